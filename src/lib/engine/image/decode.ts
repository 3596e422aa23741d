// File bytes → RgbImage, the same code in the browser worker and in Node. Libraries do the
// decoding (fast-png, jpeg-js, @jsquash/webp); this file picks one from the bytes' magic number,
// refuses oversized files before they allocate (sniff.ts), and turns library failures into the
// errors the user sees:
//   not PNG/JPEG/WebP → UnsupportedImageTypeError; over the limits → ImageTooLargeError;
//   claims a type but does not decode (truncated, corrupt) → ImageDecodeError with the library's reason.
// Alpha is dropped, never composited onto a background, as PIL's .convert('RGB') does. EXIF
// orientation is ignored, as PIL's Image.open (and so ImageReward) ignores it.
import jpeg from 'jpeg-js';
import { ImageDecodeError, ImageTooLargeError, MAX_IMAGE_SIDE, PrefLensError } from '../errors.ts';
import { decodePngToRgb } from './png-pixels.ts';
import type { RgbImage } from './rgb-image.ts';
import { checkImageSize, looksTruncated, type ImageHeader } from './sniff.ts';
import { decodeWebpRgba } from './webp-codec.ts';

// jpeg-js keeps every 8×8 block as an Int32Array before colour conversion, so a JPEG costs about
// (4 + 1 + 1) bytes per pixel per component plus 3 for the RGB output: 27 bytes/pixel for 4
// components (CMYK), 28 with slack for MCU padding. Budget that (a bound, not an allocation) for
// the largest image we accept, so any JPEG within MAX_IMAGE_SIDE decodes while a lying header
// still cannot take unbounded memory.
const JPEG_MAX_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;
const JPEG_MEMORY_MB = Math.ceil((JPEG_MAX_PIXELS * 28) / (1024 * 1024));

export async function decodeImage(bytes: Uint8Array, fileName: string): Promise<RgbImage> {
  const header = checkImageSize(bytes, fileName);
  let image: RgbImage;
  try {
    image = await decodeAs(header, bytes);
  } catch (e) {
    if (e instanceof PrefLensError) throw e;
    const reason = describe(e);
    if (/maxMemoryUsageInMB|maxResolutionInMP/.test(reason)) throw new ImageTooLargeError(fileName, reason);
    const cutShort = looksTruncated(header.type, bytes) ? 'the file is incomplete (cut short?): ' : '';
    throw new ImageDecodeError(fileName, cutShort + (reason || 'the decoder gave no reason'));
  }
  if (image.width !== header.width || image.height !== header.height) {
    // Only reachable for a malformed file whose header disagrees with its data.
    throw new ImageDecodeError(
      fileName,
      `the header says ${header.width}×${header.height} but the data is ${image.width}×${image.height}`,
    );
  }
  return image;
}

async function decodeAs(header: ImageHeader, bytes: Uint8Array): Promise<RgbImage> {
  switch (header.type) {
    case 'png':
      return decodePngToRgb(bytes);
    case 'jpeg':
      return decodeJpeg(bytes);
    case 'webp':
      // libwebp's simple decoder (what @jsquash/webp wraps) rejects animations with a bare
      // "Decoding error"; say what is actually wrong.
      if (header.animated) throw new Error('animated WebP is not supported; export a single frame');
      return dropAlpha(await decodeWebpRgba(bytes));
  }
}

function decodeJpeg(bytes: Uint8Array): RgbImage {
  const { width, height, data } = jpeg.decode(bytes, {
    useTArray: true, // a plain Uint8Array: Buffer does not exist in the browser
    formatAsRGBA: false,
    // Left tolerant (the default): it only skips blocks past the frame's end, which valid
    // greyscale JPEGs with restart markers produce; a file cut short still fails ("marker was not found").
    tolerantDecoding: true,
    maxResolutionInMP: JPEG_MAX_PIXELS / 1e6,
    maxMemoryUsageInMB: JPEG_MEMORY_MB,
  });
  return { width, height, data };
}

/** The error's message and its causes' (fast-png puts the zlib reason in `cause`). */
function describe(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e, depth = 0; cur !== undefined && depth < 4; depth++) {
    const message = cur instanceof Error ? cur.message : String(cur);
    if (message) parts.push(message.replace(/[\s:]+$/, ''));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ');
}

function dropAlpha(rgba: { width: number; height: number; data: Uint8ClampedArray | Uint8Array }): RgbImage {
  const { width, height, data } = rgba;
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; o < out.length; i += 4, o += 3) {
    out[o] = data[i];
    out[o + 1] = data[i + 1];
    out[o + 2] = data[i + 2];
  }
  return { width, height, data: out };
}
