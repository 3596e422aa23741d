// File bytes → RgbImage, the same code in the browser worker and in Node. Libraries do the
// decoding (fast-png, @jsquash/jpeg, @jsquash/webp); this file picks one from the bytes' magic number,
// refuses oversized files before they allocate (sniff.ts), and turns library failures into the
// errors the user sees:
//   not PNG/JPEG/WebP → UnsupportedImageTypeError; over the limits → ImageTooLargeError;
//   claims a type but does not decode (truncated, corrupt) → ImageDecodeError with the library's reason.
// Alpha is dropped, never composited onto a background, as PIL's .convert('RGB') does. EXIF
// orientation is ignored, as PIL's Image.open (and so ImageReward) ignores it.
import { ImageDecodeError, PrefLensError } from '../errors.ts';
import { decodePngToRgb } from './png-pixels.ts';
import type { RgbImage } from './rgb-image.ts';
import { checkImageSize, looksTruncated, type ImageHeader } from './sniff.ts';
import { decodeWasmRgba } from './wasm-codecs.ts';

export async function decodeImage(bytes: Uint8Array, fileName: string): Promise<RgbImage> {
  const header = checkImageSize(bytes, fileName);
  let image: RgbImage;
  try {
    image = await decodeAs(header, bytes);
  } catch (e) {
    if (e instanceof PrefLensError) throw e;
    // A cut-short file is said as such: the library's own words for it ("Invalid typed array
    // length") tell the user nothing. Other failures keep the library's reason.
    if (looksTruncated(header.type, bytes)) throw new ImageDecodeError(fileName, 'the file is incomplete: it ends before the image data does (an interrupted download or copy?)');
    throw new ImageDecodeError(fileName, `the data is corrupt (${describe(e) || 'the decoder gave no reason'})`);
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
      // libjpeg fills a file cut short with grey and only warns; PIL (and so ImageReward) refuses
      // it ("image file is truncated"), and so do we.
      if (looksTruncated('jpeg', bytes)) throw new Error('the JPEG ends before its end-of-image marker');
      return dropAlpha(await decodeWasmRgba('jpeg', bytes));
    case 'webp':
      // libwebp's simple decoder (what @jsquash/webp wraps) rejects animations with a bare
      // "Decoding error"; say what is actually wrong.
      if (header.animated) throw new Error('animated WebP is not supported; export a single frame');
      return dropAlpha(await decodeWasmRgba('webp', bytes));
  }
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
