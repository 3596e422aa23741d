// ImageReward's image preprocessing end to end: bicubic resize of the short side to 224 (PIL's
// resampler), centre crop 224×224, /255 and CLIP mean/std into CHW float32.
import { resizeBicubic } from './bicubic-resize.ts';
import { CROP_SIZE, centerCrop, shortSideResize } from './center-crop.ts';
import { normalizeToChw } from './normalize.ts';
import type { RgbImage } from './rgb-image.ts';

/** Floats per preprocessed image: [3, 224, 224]. */
export const IMAGE_TENSOR_SIZE = 3 * CROP_SIZE * CROP_SIZE;

/**
 * Preprocess one image into `out` at `offset` (default: a new Float32Array of IMAGE_TENSOR_SIZE).
 * Returns `out`.
 */
export function preprocessImage(img: RgbImage, out?: Float32Array, offset = 0): Float32Array {
  const target = shortSideResize(img.width, img.height);
  // resizeBicubic copies when the size already matches; skip that copy (PIL would return a copy too).
  const resized =
    target.width === img.width && target.height === img.height ? img : resizeBicubic(img, target.width, target.height);
  const cropped = resized.width === CROP_SIZE && resized.height === CROP_SIZE ? resized : centerCrop(resized);
  return normalizeToChw(cropped, out ?? new Float32Array(IMAGE_TENSOR_SIZE), offset);
}
