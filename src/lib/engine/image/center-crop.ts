// The geometry of torchvision's Resize(224) + CenterCrop(224), which ImageReward applies: the short
// side becomes 224, the long side int(224 · long / short), then the middle 224×224 is kept. The
// integer rules are torchvision's, so the crop lands on the same pixels as in Python.
import type { RgbImage } from './rgb-image.ts';

export const CROP_SIZE = 224;

/** Size after Resize(size) with an int size: short side → size, long side truncated like Python's int(). */
export function shortSideResize(width: number, height: number, size = CROP_SIZE): { width: number; height: number } {
  if (width <= height) return { width: size, height: Math.trunc((size * height) / width) };
  return { width: Math.trunc((size * width) / height), height: size };
}

/** Top-left of a centred crop: int(round((n - size) / 2)) per axis, with Python's round-half-to-even. */
export function centerCropOffset(width: number, height: number, size = CROP_SIZE): { left: number; top: number } {
  return { left: roundHalfEven((width - size) / 2), top: roundHalfEven((height - size) / 2) };
}

/** Copy the centred size×size square out of an image at least that big on both sides. */
export function centerCrop(img: RgbImage, size = CROP_SIZE): RgbImage {
  if (img.width < size || img.height < size) {
    // torchvision would pad here; our resize always makes the short side exactly `size`.
    throw new RangeError(`cannot crop ${size}×${size} from ${img.width}×${img.height}`);
  }
  const { left, top } = centerCropOffset(img.width, img.height, size);
  const out = new Uint8Array(size * size * 3);
  const rowBytes = size * 3;
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * img.width + left) * 3;
    out.set(img.data.subarray(from, from + rowBytes), y * rowBytes);
  }
  return { width: size, height: size, data: out };
}

/** Python 3's round(): halves go to the even neighbour (186.5 → 186, 37.5 → 38). */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}
