// CHW layout, CLIP statistics, float32 rounding, and writing in place at an offset.
import { describe, expect, it } from 'vitest';
import { CLIP_MEAN, CLIP_STD, normalizeToChw } from '../../../src/lib/engine/image/normalize.ts';

describe('normalizeToChw', () => {
  it('puts R, G, B in separate planes with (v/255 - mean) / std', () => {
    // 2×1 image: pixel 0 = (0, 128, 255), pixel 1 = (255, 0, 64).
    const out = normalizeToChw({ width: 2, height: 1, data: Uint8Array.from([0, 128, 255, 255, 0, 64]) }, new Float32Array(6));
    const f = (v: number, c: number) => (v / 255 - CLIP_MEAN[c]) / CLIP_STD[c];
    const expected = [f(0, 0), f(255, 0), f(128, 1), f(0, 1), f(255, 2), f(64, 2)];
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('rounds like PyTorch: float32 divide, float32 subtract, float32 divide', () => {
    const out = normalizeToChw({ width: 1, height: 1, data: Uint8Array.from([77, 77, 77]) }, new Float32Array(3));
    for (let c = 0; c < 3; c++) {
      const x = Math.fround(Math.fround(77 / 255) - Math.fround(CLIP_MEAN[c])) / Math.fround(CLIP_STD[c]);
      expect(out[c]).toBe(Math.fround(x));
    }
  });

  it('writes at an offset and nowhere else', () => {
    const out = new Float32Array(20).fill(42);
    normalizeToChw({ width: 2, height: 2, data: new Uint8Array(12).fill(255) }, out, 5);
    expect(Array.from(out.subarray(0, 5))).toEqual([42, 42, 42, 42, 42]);
    expect(Array.from(out.subarray(17))).toEqual([42, 42, 42]);
    expect(out.subarray(5, 17).every((v) => v > 1.5 && v < 2.2)).toBe(true);
  });

  it('refuses an output too small for the image', () => {
    expect(() => normalizeToChw({ width: 2, height: 2, data: new Uint8Array(12) }, new Float32Array(12), 1)).toThrow(RangeError);
  });
});
