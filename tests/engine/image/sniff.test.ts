// Type from magic bytes and size from headers, for each format, and the size guard that must fire
// before any decoder runs.
import { describe, expect, it } from 'vitest';
import {
  ImageDecodeError,
  ImageTooLargeError,
  MAX_IMAGE_BYTES,
  UnsupportedImageTypeError,
} from '../../../src/lib/engine/errors.ts';
import { checkImageSize, readImageHeader, sniffImageType } from '../../../src/lib/engine/image/sniff.ts';
import { jpg, pixels, png, webp } from './encoders.ts';

const rgba = (w: number, h: number) => pixels(w, h, 4, (x, y) => [x * 7, y * 5, 99, 255]);

/** A bare PNG signature + IHDR claiming width × height (no image data at all). */
function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  b.set([8, 2, 0, 0, 0], 24);
  return b;
}

/** A RIFF/WEBP file whose first chunk is VP8X with the given canvas size and flags. */
function webpVp8x(width: number, height: number, flags = 0): Uint8Array {
  const b = new Uint8Array(30);
  b.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
  b.set([...'WEBPVP8X'].map((c) => c.charCodeAt(0)), 8);
  b[16] = 10;
  b[20] = flags;
  const w = width - 1;
  const h = height - 1;
  b.set([w & 255, (w >> 8) & 255, w >> 16, h & 255, (h >> 8) & 255, h >> 16], 24);
  return b;
}

describe('sniffImageType', () => {
  it('recognises each format by its bytes', async () => {
    expect(sniffImageType(png({ width: 3, height: 2, data: rgba(3, 2) }))).toBe('png');
    expect(sniffImageType(jpg(3, 2, rgba(3, 2)))).toBe('jpeg');
    expect(sniffImageType(await webp(3, 2, rgba(3, 2)))).toBe('webp');
  });

  it('says undefined for anything else, including empty and near-miss data', () => {
    expect(sniffImageType(new Uint8Array())).toBeUndefined();
    expect(sniffImageType(new TextEncoder().encode('GIF89a......'))).toBeUndefined();
    expect(sniffImageType(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
  });
});

describe('readImageHeader', () => {
  it('reads PNG IHDR dimensions', () => {
    expect(readImageHeader(png({ width: 37, height: 11, data: rgba(37, 11) }), 'a.png')).toMatchObject({
      type: 'png',
      width: 37,
      height: 11,
    });
  });

  it('reads JPEG SOF dimensions past APP segments', () => {
    const bytes = jpg(45, 23, rgba(45, 23));
    // Insert a 1000-byte APP1 segment after SOI, as cameras put EXIF before the frame header.
    const app1 = new Uint8Array(1004);
    app1.set([0xff, 0xe1, 1002 >> 8, 1002 & 255]);
    const withExif = new Uint8Array([...bytes.subarray(0, 2), ...app1, ...bytes.subarray(2)]);
    expect(readImageHeader(withExif, 'a.jpg')).toMatchObject({ type: 'jpeg', width: 45, height: 23 });
  });

  it('reads WebP VP8 (lossy), VP8L (lossless) and VP8X (extended) dimensions', async () => {
    const lossy = await webp(50, 31, rgba(50, 31));
    expect(String.fromCharCode(...lossy.subarray(12, 16))).toBe('VP8 ');
    expect(readImageHeader(lossy, 'a.webp')).toMatchObject({ type: 'webp', width: 50, height: 31 });
    const lossless = await webp(17, 29, rgba(17, 29), { lossless: 1 });
    expect(String.fromCharCode(...lossless.subarray(12, 16))).toBe('VP8L');
    expect(readImageHeader(lossless, 'a.webp')).toMatchObject({ width: 17, height: 29 });
    expect(readImageHeader(webpVp8x(300, 7000), 'a.webp')).toMatchObject({ width: 300, height: 7000, animated: false });
    expect(readImageHeader(webpVp8x(20, 10, 0x02), 'a.webp').animated).toBe(true);
  });

  it('ignores the file name', () => {
    expect(readImageHeader(jpg(4, 4, rgba(4, 4)), 'photo.png').type).toBe('jpeg');
    expect(() => readImageHeader(new TextEncoder().encode('hello'), 'notes.png')).toThrow(UnsupportedImageTypeError);
  });

  it('reports a header cut short as a decode error', () => {
    expect(() => readImageHeader(pngHeader(10, 10).subarray(0, 20), 'a.png')).toThrow(ImageDecodeError);
    expect(() => readImageHeader(jpg(8, 8, rgba(8, 8)).subarray(0, 12), 'a.jpg')).toThrow(ImageDecodeError);
    expect(() => readImageHeader(webpVp8x(5, 5).subarray(0, 20), 'a.webp')).toThrow(ImageDecodeError);
    expect(() => readImageHeader(pngHeader(0, 10), 'a.png')).toThrow(/0×10/);
  });
});

describe('checkImageSize', () => {
  it('passes images within the limits and returns their header', () => {
    expect(checkImageSize(pngHeader(8192, 8192), 'ok.png')).toMatchObject({ width: 8192, height: 8192 });
  });

  it('refuses more than 8192 px a side from the header alone', () => {
    // Header only, no pixel data: reaching a decoder would give a decode error instead.
    expect(() => checkImageSize(pngHeader(9000, 10), 'wide.png')).toThrow(ImageTooLargeError);
    expect(() => checkImageSize(pngHeader(10, 8193), 'tall.png')).toThrow(/10×8193 px/);
    expect(() => checkImageSize(webpVp8x(9000, 10), 'wide.webp')).toThrow(ImageTooLargeError);
    const big = jpg(16, 8, rgba(16, 8));
    const sof = big.findIndex((v, i) => v === 0xff && big[i + 1] === 0xc0);
    new DataView(big.buffer).setUint16(sof + 7, 10000); // SOF0 width
    expect(() => checkImageSize(big, 'wide.jpg')).toThrow(ImageTooLargeError);
  });

  it('refuses more than 50 MB before looking at the content', () => {
    const huge = new Uint8Array(MAX_IMAGE_BYTES + 1);
    huge.set(pngHeader(10, 10));
    expect(() => checkImageSize(huge, 'huge.png')).toThrow(ImageTooLargeError);
    expect(() => checkImageSize(huge, 'huge.png')).toThrow(/50\.0 MB/);
  });
});
