// Share links: what a link parses to (every bad parameter named, nothing clamped), what Copy link
// builds, that the two round-trip through a real URL, and that the limits are the engine's own.
import { describe, expect, it } from 'vitest';
import { buildShareLink, parseShareLink, type ShareParams } from '../../src/lib/ui/share-link.ts';
import { MAX_SEED, MAX_STEPS, MIN_STEPS, validateRequest } from '../../src/lib/engine/generate/generate-request.ts';
import { sdTurboSchedule } from '../../src/lib/engine/generate/euler-ancestral.ts';

const AT = { origin: 'https://example.org', pathname: '/tools/preflens/' };
const roundTrip = (p: ShareParams, extras = {}) => parseShareLink(new URL(buildShareLink(AT, p, extras)).search);

describe('parseShareLink', () => {
  it('is null for an ordinary visit (no run parameters)', () => {
    expect(parseShareLink('')).toBeNull();
    expect(parseShareLink('?backend=wasm&view=compare')).toBeNull();
  });

  it('reads a full link, steps defaulting to 1', () => {
    expect(parseShareLink('?prompt=a%20green%20colored%20cat&n=3&seed=1234&backend=wasm')).toEqual({
      values: { prompt: 'a green colored cat', n: 3, seed: 1234, steps: 1 },
      errors: [],
      request: { prompt: 'a green colored cat', n: 3, seed: 1234, steps: 1 },
    });
    expect(parseShareLink('prompt=x&n=16&seed=4294967295&steps=4')?.request).toEqual({ prompt: 'x', n: 16, seed: MAX_SEED, steps: 4 });
    expect(parseShareLink(new URLSearchParams('prompt=x&n=1&seed=0'))?.request).toEqual({ prompt: 'x', n: 1, seed: 0, steps: 1 });
  });

  it('decodes "+" and "%20" as spaces and "%2B" as a plus', () => {
    expect(parseShareLink('?prompt=a+green+cat&n=1&seed=1')?.values.prompt).toBe('a green cat');
    expect(parseShareLink('?prompt=a%20green%20cat&n=1&seed=1')?.values.prompt).toBe('a green cat');
    expect(parseShareLink('?prompt=1%2B1%3D2%20%26%20more&n=1&seed=1')?.values.prompt).toBe('1+1=2 & more');
  });

  it('keeps the prompt exactly, spaces and unicode included', () => {
    expect(parseShareLink('?prompt=%20%E7%8C%AB%20caf%C3%A9%20%F0%9F%90%88%20&n=2&seed=7')?.values.prompt).toBe(' 猫 café 🐈 ');
  });

  const bad: [string, string, Partial<ShareParams>][] = [
    ['n=0', 'The link\'s "n" must be a whole number from 1 to 16 (candidates to make), got "0".', { n: undefined }],
    ['n=17', 'The link\'s "n" must be a whole number from 1 to 16 (candidates to make), got "17".', { n: undefined }],
    ['n=2.5', 'The link\'s "n" must be a whole number from 1 to 16 (candidates to make), got "2.5".', { n: undefined }],
    ['n=', 'The link\'s "n" must be a whole number from 1 to 16 (candidates to make), got "".', { n: undefined }],
    ['seed=abc', 'The link\'s "seed" must be a whole number from 0 to 4294967295 (the run\'s seed), got "abc".', { seed: undefined }],
    ['seed=-1', 'The link\'s "seed" must be a whole number from 0 to 4294967295 (the run\'s seed), got "-1".', { seed: undefined }],
    ['seed=1e3', 'The link\'s "seed" must be a whole number from 0 to 4294967295 (the run\'s seed), got "1e3".', { seed: undefined }],
    ['seed=4294967296', 'The link\'s "seed" must be a whole number from 0 to 4294967295 (the run\'s seed), got "4294967296".', { seed: undefined }],
    ['seed=0x10', 'The link\'s "seed" must be a whole number from 0 to 4294967295 (the run\'s seed), got "0x10".', { seed: undefined }],
    ['steps=0', 'The link\'s "steps" must be a whole number from 1 to 4 (denoising steps), got "0".', { steps: undefined }],
    ['steps=5', 'The link\'s "steps" must be a whole number from 1 to 4 (denoising steps), got "5".', { steps: undefined }],
    ['prompt=%20%20', 'The link\'s "prompt" is empty.', { prompt: undefined }],
    ['prompt=', 'The link\'s "prompt" is empty.', { prompt: undefined }],
    ['n=3&n=4', 'The link gives "n" 2 times; give it once.', { n: undefined }],
  ];
  it.each(bad)('%s is reported, not clamped; the valid values are kept', (part, message, without) => {
    const key = part.split('=')[0];
    const base = new URLSearchParams('prompt=a cat&n=3&seed=1234&steps=2');
    base.delete(key);
    const r = parseShareLink(`?${base}&${part}`)!;
    expect(r.errors).toEqual([message]);
    expect(r.request).toBeNull();
    expect(r.values).toEqual({ ...{ prompt: 'a cat', n: 3, seed: 1234, steps: 2 }, ...without });
    for (const k of Object.keys(without)) expect(r.values).not.toHaveProperty(k);
  });

  it('names a missing prompt, n or seed, and every bad parameter at once', () => {
    expect(parseShareLink('?n=3&seed=1')?.errors).toEqual(['The link has no "prompt".']);
    expect(parseShareLink('?prompt=x&seed=1')?.errors).toEqual(['The link has no "n" (candidates to make).']);
    expect(parseShareLink('?prompt=x&n=2')?.errors).toEqual(['The link has no "seed" (the run\'s seed).']);
    const r = parseShareLink('?prompt=x&n=0&seed=abc')!;
    expect(r.errors.map((m) => /"(\w+)"/.exec(m)?.[1])).toEqual(['n', 'seed']);
    expect(r.values).toEqual({ prompt: 'x', steps: 1 });
  });
});

describe('buildShareLink', () => {
  it('keeps the origin and sub-path, drops the hash and other params, adds forced backend/variant', () => {
    const p = { prompt: 'a green colored cat', n: 3, seed: 1234, steps: 1 };
    expect(buildShareLink(AT, p)).toBe('https://example.org/tools/preflens/?prompt=a+green+colored+cat&n=3&seed=1234&steps=1');
    expect(buildShareLink(AT, p, { backend: 'wasm', variant: 'fp16' })).toBe(
      'https://example.org/tools/preflens/?prompt=a+green+colored+cat&n=3&seed=1234&steps=1&backend=wasm&variant=fp16',
    );
    const loc = new URL('http://127.0.0.1:4173/app/?view=compare&test-hooks#x');
    expect(buildShareLink(loc, p)).toMatch(/^http:\/\/127\.0\.0\.1:4173\/app\/\?prompt=[^#]*steps=1$/);
  });

  it('round-trips through a URL: unicode, plus, ampersand, spaces, bounds', () => {
    for (const p of [
      { prompt: 'a green colored cat', n: 3, seed: 1234, steps: 1 },
      { prompt: ' 猫 café 🐈 — "quoted" ', n: 16, seed: MAX_SEED, steps: 4 },
      { prompt: '1+1=2 & a%20b ?#/', n: 1, seed: 0, steps: 2 },
    ]) {
      const r = roundTrip(p, { backend: 'wasm' });
      expect(r).toEqual({ values: p, errors: [], request: p });
    }
  });
});

describe('limits agree with the engine', () => {
  it('the scheduler takes exactly the steps the request allows', () => {
    expect(() => sdTurboSchedule(MIN_STEPS)).not.toThrow();
    expect(() => sdTurboSchedule(MAX_STEPS)).not.toThrow();
    expect(() => sdTurboSchedule(MIN_STEPS - 1)).toThrow(RangeError);
    expect(() => sdTurboSchedule(MAX_STEPS + 1)).toThrow(RangeError);
  });

  it('accepts exactly what validateRequest accepts at every boundary', () => {
    const ok = { prompt: 'x', n: 1, seed: 0, steps: 1 };
    const cases: Partial<ShareParams>[] = [
      ...[0, 1, 16, 17].map((n) => ({ n })),
      ...[0, 1, 4, 5].map((steps) => ({ steps })),
      ...[0, MAX_SEED, MAX_SEED + 1].map((seed) => ({ seed })),
    ];
    for (const c of cases) {
      const o = { ...ok, ...c };
      const engineOk = (() => { try { validateRequest(o); return true; } catch { return false; } })();
      const q = new URLSearchParams(Object.entries(o).map(([k, v]) => [k, String(v)]));
      expect(parseShareLink(q)?.request !== null, JSON.stringify(c)).toBe(engineOk);
    }
  });
});
