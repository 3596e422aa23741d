// The load bound: quiet time after the last progress event, growing with the bytes read so far.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoadTimeoutError } from '../../src/lib/engine/errors.ts';
import type { LoadProgress } from '../../src/lib/engine/model-files/load-progress.ts';
import { guardedLoad, LOAD_BOUND, loadBoundMs } from '../../src/lib/worker/load-guard.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A load the test drives: `report` sends progress, `finish` ends it. */
function drivenLoad() {
  let report!: (p: LoadProgress) => void;
  let finish!: (v: string) => void;
  const load = (onProgress: (p: LoadProgress) => void) => {
    report = onProgress;
    return new Promise<string>((r) => (finish = r));
  };
  return { load, report: (p: LoadProgress) => report(p), finish: (v: string) => finish(v) };
}

describe('guardedLoad', () => {
  it('a load that keeps reporting is never cut, however long it takes in all', async () => {
    const d = drivenLoad();
    const seen: LoadProgress[] = [];
    const done = guardedLoad(d.load, () => 1000, (p) => seen.push(p));
    for (let i = 0; i < 10; i++) {
      await vi.advanceTimersByTimeAsync(900);
      d.report({ step: 'read', file: `f${i}` });
    }
    d.finish('ok');
    expect(await done).toBe('ok');
    expect(seen).toHaveLength(10);
  });

  it('a load quiet past its bound fails with LoadTimeoutError naming the last step; the bound grows with the bytes read', async () => {
    const d = drivenLoad();
    const bounds: number[] = [];
    const done = guardedLoad(d.load, (bytes) => (bounds.push(bytes), 1000 + bytes)).catch((e) => e);
    d.report({ step: 'prepare', file: 'dir/model.onnx_data', bytes: 500 });
    await vi.advanceTimersByTimeAsync(1499);
    d.report({ step: 'prepare', file: 'dir/tokenizer.json', bytes: 100 });
    await vi.advanceTimersByTimeAsync(1600);
    const e = await done;
    expect(e).toBeInstanceOf(LoadTimeoutError);
    expect([e.file, e.boundMs]).toEqual(['dir/tokenizer.json', 1600]);
    expect(bounds).toEqual([0, 500, 600]);
  });

  it('the stated bound: a base, time per GB read, longer on WebGPU', () => {
    expect(loadBoundMs(0, 'wasm')).toBe(LOAD_BOUND.baseMs);
    expect(loadBoundMs(1e9, 'wasm')).toBe(LOAD_BOUND.baseMs + LOAD_BOUND.perGbMs);
    expect(loadBoundMs(1e9, 'webgpu')).toBe((LOAD_BOUND.baseMs + LOAD_BOUND.perGbMs) * LOAD_BOUND.webgpuFactor);
  });
});
