// The PIL port's structure, checked against a plain floating-point bicubic (same kernel, same
// antialiased support, bytes between the passes, no fixed point). Byte-exactness against PIL itself is checked by
// the golden tensors in preprocess.test.ts.
import { describe, expect, it } from 'vitest';
import { resizeBicubic } from '../../../src/lib/engine/image/bicubic-resize.ts';
import type { RgbImage } from '../../../src/lib/engine/image/rgb-image.ts';

function image(width: number, height: number, px: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = px(x, y, c);
  return { width, height, data };
}

function cubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Normalised float weights of output pixel i when resizing n → m (antialiased on downscale). */
function weights(n: number, m: number, i: number): [number, number][] {
  const scale = n / m;
  const stretch = Math.max(1, scale);
  const center = (i + 0.5) * scale;
  const taps: [number, number][] = [];
  for (let j = 0; j < n; j++) {
    const w = cubic((j + 0.5 - center) / stretch);
    if (w !== 0) taps.push([j, w]);
  }
  const sum = taps.reduce((s, [, w]) => s + w, 0);
  return taps.map(([j, w]) => [j, w / sum]);
}

function referenceResize(src: RgbImage, width: number, height: number): Float64Array {
  const tmp = new Float64Array(width * src.height * 3);
  for (let y = 0; y < src.height; y++)
    for (let x = 0; x < width; x++)
      for (const [j, w] of weights(src.width, width, x))
        for (let c = 0; c < 3; c++) tmp[(y * width + x) * 3 + c] += w * src.data[(y * src.width + j) * 3 + c];
  // PIL stores the horizontal pass as bytes: overshoot is clipped before the vertical pass.
  tmp.forEach((v, i) => (tmp[i] = Math.min(255, Math.max(0, Math.round(v)))));
  const out = new Float64Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (const [j, w] of weights(src.height, height, y))
      for (let x = 0; x < width * 3; x++) out[y * width * 3 + x] += w * tmp[j * width * 3 + x];
  return out.map((v) => Math.min(255, Math.max(0, Math.round(v))));
}

function maxDiff(a: Uint8Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const busy = image(61, 37, (x, y, c) => (x * 37 + y * 91 + c * 50 + ((x * y) % 13) * 11) % 256);

describe('resizeBicubic', () => {
  it('returns a copy at the same size', () => {
    const out = resizeBicubic(busy, busy.width, busy.height);
    expect(out).toEqual(busy);
    expect(out.data).not.toBe(busy.data);
  });

  it('keeps a flat colour flat when shrinking, enlarging and from a single pixel', () => {
    const flat = image(50, 30, (_x, _y, c) => [200, 13, 255][c]);
    for (const [w, h] of [
      [17, 9],
      [123, 71],
      [50, 224],
    ]) {
      const out = resizeBicubic(flat, w, h);
      expect(out.data.every((v, i) => v === [200, 13, 255][i % 3])).toBe(true);
    }
    const dot = resizeBicubic(image(1, 1, (_x, _y, c) => [9, 99, 199][c]), 224, 224);
    expect(dot.data.every((v, i) => v === [9, 99, 199][i % 3])).toBe(true);
  });

  it('matches a float bicubic to within fixed-point rounding (≤ 1 level)', () => {
    for (const [w, h] of [
      [23, 14], // downscale both (antialiased support)
      [150, 90], // upscale both
      [61, 20], // vertical only
      [30, 37], // horizontal only
      [100, 11], // mixed
    ]) {
      const out = resizeBicubic(busy, w, h);
      expect([out.width, out.height, out.data.length]).toEqual([w, h, w * h * 3]);
      expect(maxDiff(out.data, referenceResize(busy, w, h)), `${w}×${h}`).toBeLessThanOrEqual(1);
    }
  });

  it('clips overshoot at hard edges to 0..255', () => {
    const edge = image(8, 1, (x) => (x < 4 ? 0 : 255));
    const out = resizeBicubic(edge, 32, 1);
    // Keys' kernel rings at a step; PIL clamps the ringing instead of wrapping it.
    expect(Math.min(...out.data)).toBe(0);
    expect(Math.max(...out.data)).toBe(255);
  });

  it('refuses non-integer or empty targets', () => {
    expect(() => resizeBicubic(busy, 0, 10)).toThrow(RangeError);
    expect(() => resizeBicubic(busy, 10.5, 10)).toThrow(RangeError);
  });
});
