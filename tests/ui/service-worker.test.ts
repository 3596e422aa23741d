// The isolation reload decision and the header's one-thread note (src/lib/ui/service-worker.ts).
import { describe, expect, it } from 'vitest';
import { shouldReloadForIsolation, threadsNote } from '../../src/lib/ui/service-worker.ts';

const facts = { isolated: false, canUseServiceWorker: true, alreadyReloaded: false };

describe('shouldReloadForIsolation', () => {
  it('reloads once when a service worker can add the headers', () => {
    expect(shouldReloadForIsolation(facts)).toBe(true);
  });
  it('never reloads when isolated, when no service worker can run, or a second time', () => {
    expect(shouldReloadForIsolation({ ...facts, isolated: true })).toBe(false);
    expect(shouldReloadForIsolation({ ...facts, canUseServiceWorker: false })).toBe(false);
    expect(shouldReloadForIsolation({ ...facts, alreadyReloaded: true })).toBe(false);
  });
});

describe('threadsNote', () => {
  it('says nothing when isolated', () => {
    expect(threadsNote({ ...facts, isolated: true })).toBeNull();
  });
  it('says why, and whether the app can still turn threads on', () => {
    expect(threadsNote(facts)?.short).toBe('this host does not allow threads');
    expect(threadsNote(facts)?.detail).toMatch(/reloads once/);
    expect(threadsNote({ ...facts, canUseServiceWorker: false })?.detail).toMatch(/Service workers are unavailable/);
    expect(threadsNote({ ...facts, alreadyReloaded: true })?.detail).toMatch(/did not isolate the page/);
  });
});
