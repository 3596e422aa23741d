// Bicubic resize that reproduces PIL's Image.resize(size, BICUBIC) on 8-bit RGB to the byte.
//
// Hand-written on purpose: the reward model was trained on PIL-resized pixels, and no JS library
// (canvas drawImage, pica, sharp/libvips, image-js) uses PIL's coefficients and rounding, so each
// would shift the input by a few levels. This follows Pillow's libImaging/Resample.c
// (ImagingResample with the 8-bit path), unchanged since Pillow 4.x and so the same in PIL 9.4:
// - Keys cubic with a = -0.5, support 2 pixels;
// - on downscale the kernel is stretched by the scale factor (support 2·scale), which is PIL's
//   antialiasing; on upscale it is not;
// - each output pixel's weights are normalised to sum to 1, then rounded to fixed point with
//   PRECISION_BITS = 32 - 8 - 2 fractional bits (round half away from zero);
// - horizontal pass first, over only the rows the vertical pass will read, then vertical;
// - sums start at one half (rounding), are shifted back and clipped to 0..255 after each pass.
// Only whole-image resizes are needed (PIL's `box` argument left at the full image).
import type { RgbImage } from './rgb-image.ts';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);
const SUPPORT = 2;

/** PIL's bicubic_filter: Keys' cubic convolution kernel with a = -0.5. */
function bicubic(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Per output pixel: first input index, how many inputs, and `ksize` fixed-point weights. */
interface Coefficients {
  ksize: number;
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
}

// PIL's precompute_coeffs + normalize_coeffs_8bpc, for in0 = 0, in1 = inSize. The arithmetic is in
// doubles in the same order as the C code, so the rounding decisions come out identical.
function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  const invScale = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero; that is what decides the window at the edges.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = bicubic((x + xmin - center + 0.5) * invScale);
      sum += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const k = sum !== 0 ? w[x] / sum : w[x];
      weights[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { ksize, first, count, weights };
}

/** PIL's clip8: drop the fraction bits (arithmetic shift = floor) and clamp to a byte. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Resize RGB pixels to width × height exactly as PIL's Image.resize(BICUBIC) does. */
export function resizeBicubic(src: RgbImage, width: number, height: number): RgbImage {
  if (!(width >= 1 && height >= 1 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new RangeError(`resize target must be whole positive pixels, got ${width}×${height}`);
  }
  const needHorizontal = width !== src.width;
  const needVertical = height !== src.height;
  if (!needHorizontal && !needVertical) return { width, height, data: src.data.slice() };

  const vertical = coefficients(src.height, height);
  let image = src;
  if (needHorizontal) {
    // Only the rows the vertical pass will touch: from the first window's start to the last one's end.
    const rowFirst = vertical.first[0];
    const rowEnd = vertical.first[height - 1] + vertical.count[height - 1];
    image = horizontalPass(src, rowFirst, rowEnd - rowFirst, coefficients(src.width, width), width);
    for (let i = 0; i < height; i++) vertical.first[i] -= rowFirst;
  }
  if (needVertical) image = verticalPass(image, vertical, height);
  return image;
}

function horizontalPass(src: RgbImage, rowFirst: number, rows: number, c: Coefficients, outWidth: number): RgbImage {
  const out = new Uint8Array(outWidth * rows * 3);
  const { ksize, first, count, weights } = c;
  const inData = src.data;
  for (let yy = 0, o = 0; yy < rows; yy++) {
    const rowStart = (yy + rowFirst) * src.width * 3;
    for (let xx = 0; xx < outWidth; xx++, o += 3) {
      const k0 = xx * ksize;
      const n = count[xx];
      let p = rowStart + first[xx] * 3;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let x = 0; x < n; x++, p += 3) {
        const k = weights[k0 + x];
        r += inData[p] * k;
        g += inData[p + 1] * k;
        b += inData[p + 2] * k;
      }
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return { width: outWidth, height: rows, data: out };
}

function verticalPass(src: RgbImage, c: Coefficients, outHeight: number): RgbImage {
  const stride = src.width * 3;
  const out = new Uint8Array(stride * outHeight);
  const { ksize, first, count, weights } = c;
  const inData = src.data;
  for (let yy = 0; yy < outHeight; yy++) {
    const k0 = yy * ksize;
    const n = count[yy];
    const base = first[yy] * stride;
    const o = yy * stride;
    for (let i = 0; i < stride; i++) {
      let sum = HALF;
      for (let y = 0, p = base + i; y < n; y++, p += stride) sum += inData[p] * weights[k0 + y];
      out[o + i] = clip8(sum);
    }
  }
  return { width: src.width, height: outHeight, data: out };
}
