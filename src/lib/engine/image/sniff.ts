// What an image file is and how big it says it is, read from its first bytes only. The type comes
// from magic bytes, never from the file name or MIME type (both are often wrong: a ".png" that is
// really a JPEG, or a download with no extension). The size comes from the format's header, so a
// file that would decode to gigabytes is refused before any pixel buffer is allocated.
import { ImageDecodeError, ImageTooLargeError, MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, UnsupportedImageTypeError } from '../errors.ts';

export type ImageType = 'png' | 'jpeg' | 'webp';

export interface ImageHeader {
  type: ImageType;
  width: number;
  height: number;
  /** Animated WebP (VP8X with the ANIM flag): the WebP decoder we use cannot read it. */
  animated: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format the bytes are in, or undefined if they are none of PNG, JPEG, WebP. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (startsWith(bytes, 0, PNG_SIGNATURE)) return 'png';
  // SOI followed by the first marker's 0xFF: two bytes alone match too much random data.
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  return undefined;
}

/**
 * Type and dimensions from the header, without decoding.
 * Throws UnsupportedImageTypeError for other data, ImageDecodeError when the header is cut short or
 * malformed (so a truncated file fails here with a reason instead of deep inside a decoder).
 */
export function readImageHeader(bytes: Uint8Array, fileName: string): ImageHeader {
  if (bytes.byteLength === 0) throw new ImageDecodeError(fileName, 'the file is empty (0 bytes)');
  const type = sniffImageType(bytes);
  if (!type) throw new UnsupportedImageTypeError(fileName);
  const found = type === 'png' ? pngSize(bytes) : type === 'jpeg' ? jpegSize(bytes) : webpSize(bytes);
  if (typeof found === 'string') throw new ImageDecodeError(fileName, found);
  if (found.width < 1 || found.height < 1) {
    throw new ImageDecodeError(fileName, `the header says ${found.width}×${found.height} pixels`);
  }
  return { type, width: found.width, height: found.height, animated: found.animated ?? false };
}

/**
 * The guard every decode goes through first: at most MAX_IMAGE_BYTES of file and MAX_IMAGE_SIDE
 * pixels a side. The byte limit is checked before the type so a huge upload is refused for what it
 * is, whatever it contains. Returns the header so the caller need not parse it again.
 */
export function checkImageSize(bytes: Uint8Array, fileName: string): ImageHeader {
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new ImageTooLargeError(fileName, `${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB`);
  }
  const header = readImageHeader(bytes, fileName);
  if (header.width > MAX_IMAGE_SIDE || header.height > MAX_IMAGE_SIDE) {
    throw new ImageTooLargeError(fileName, `${header.width}×${header.height} px`);
  }
  return header;
}

/**
 * Whether the file stops before its format's end marker: used only to word the error for a file
 * that already failed to decode, since the libraries' own reasons ("marker was not found",
 * "Offset is outside the bounds of the DataView") do not tell the user the download was cut off.
 */
export function looksTruncated(type: ImageType, b: Uint8Array): boolean {
  if (type === 'png') return ascii(b, b.length - 8, 4) !== 'IEND';
  if (type === 'webp') return b.length < 8 || u32le(b, 4) + 8 > b.length; // RIFF size vs what we have
  // JPEG: EOI (FF D9) should close the file; allow a little trailing padding after it.
  const tail = b.subarray(Math.max(0, b.length - 1024));
  return !tail.some((v, i) => v === 0xff && tail[i + 1] === 0xd9);
}

type Size = { width: number; height: number; animated?: boolean };

// PNG: the IHDR chunk must come first, so width and height are big-endian u32 at bytes 16 and 20.
function pngSize(b: Uint8Array): Size | string {
  if (b.length < 24) return 'the file ends inside the PNG header';
  if (ascii(b, 12, 4) !== 'IHDR') return 'the PNG does not start with an IHDR chunk';
  return { width: u32be(b, 16), height: u32be(b, 20) };
}

// JPEG: walk the marker segments up to the first SOFn (frame header), which holds the size. APPn
// segments (EXIF, thumbnails, ICC) can be large and come first, so skip them by their lengths.
function jpegSize(b: Uint8Array): Size | string {
  let i = 2;
  for (;;) {
    if (i >= b.length) return 'the file ends before the JPEG frame header';
    if (b[i] !== 0xff) return `expected a JPEG marker at byte ${i}`;
    while (b[i] === 0xff) i++; // 0xFF fill bytes may pad any marker
    if (i >= b.length) return 'the file ends before the JPEG frame header';
    const marker = b[i++];
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length field
    if (marker === 0xda || marker === 0xd9) return 'no JPEG frame header before the image data';
    if (i + 2 > b.length) return 'the file ends inside a JPEG marker';
    const length = u16be(b, i);
    if (length < 2) return `bad JPEG segment length at byte ${i}`;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (i + 7 > b.length) return 'the file ends inside the JPEG frame header';
      return { height: u16be(b, i + 3), width: u16be(b, i + 5) };
    }
    i += length;
  }
}

// WebP: RIFF container, then one of three first chunks, each storing the size its own way.
function webpSize(b: Uint8Array): Size | string {
  if (b.length < 30) return 'the file ends inside the WebP header';
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    // Lossy: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (2 bits of scale).
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return 'bad VP8 start code';
    return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    // Lossless: signature 0x2F, then width-1 and height-1 as two 14-bit fields.
    if (b[20] !== 0x2f) return 'bad VP8L signature';
    const bits = u32le(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    // Extended: flags byte (bit 1 = animation), 3 reserved, then canvas width-1 and height-1 as u24.
    return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, animated: (b[20] & 0x02) !== 0 };
  }
  return `unknown WebP chunk "${chunk}"`;
}

function startsWith(b: Uint8Array, at: number, sig: number[]): boolean {
  if (b.length < at + sig.length) return false;
  return sig.every((v, k) => b[at + k] === v);
}

function ascii(b: Uint8Array, at: number, n: number): string {
  if (b.length < at + n) return '';
  return String.fromCharCode(...b.subarray(at, at + n));
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32le = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
