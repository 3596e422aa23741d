// RGB bytes → the model's pixel_values layout: CHW float32, x/255 then (x - mean) / std per channel
// with CLIP's statistics (torchvision ToTensor + Normalize, as ImageReward uses). Each step is
// rounded to float32 where PyTorch computes in float32, so results match a float32 reference.
import type { RgbImage } from './rgb-image.ts';

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

// One lookup table per channel: only 256 inputs are possible, so the float work is done 768
// times instead of once per pixel, and the per-pixel loop is a plain copy.
const tables: Float32Array[] = [0, 1, 2].map((c) => {
  const mean = Math.fround(CLIP_MEAN[c]);
  const std = Math.fround(CLIP_STD[c]);
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = Math.fround(Math.fround(v / 255) - mean) / std;
  return t;
});

/**
 * Write `img` as 3 planes (R, G, B) of width·height float32 into `out` from `offset` on, so a
 * batch tensor [N,3,H,W] is filled in place. Returns `out`.
 */
export function normalizeToChw(img: RgbImage, out: Float32Array, offset = 0): Float32Array {
  const plane = img.width * img.height;
  if (offset < 0 || offset + 3 * plane > out.length) {
    throw new RangeError(`normalizeToChw: ${3 * plane} values do not fit at offset ${offset} of ${out.length}`);
  }
  const [r, g, b] = tables;
  const src = img.data;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    out[offset + i] = r[src[p]];
    out[offset + plane + i] = g[src[p + 1]];
    out[offset + 2 * plane + i] = b[src[p + 2]];
  }
  return out;
}
