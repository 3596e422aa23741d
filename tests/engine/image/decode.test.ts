// decodeImage end to end in Node: each format (including @jsquash/webp's wasm, initialised from
// disk by wasm-codecs.ts), and each way a file can be refused, with the right error class.
import { describe, expect, it } from 'vitest';
import {
  ImageDecodeError,
  ImageTooLargeError,
  MAX_IMAGE_BYTES,
  UnsupportedImageTypeError,
} from '../../../src/lib/engine/errors.ts';
import { decodeImage } from '../../../src/lib/engine/image/decode.ts';
import { jpg, pixels, png, rgbOf, webp } from './encoders.ts';

const W = 40;
const H = 24;
// Smooth content, so lossy codecs reproduce it closely.
const source = pixels(W, H, 4, (x, y) => [60 + 4 * x, 40 + 6 * y, 200 - 3 * x, 255]);

function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('decodeImage: formats', () => {
  it('PNG (RGBA → RGB, alpha dropped)', async () => {
    const rgba = pixels(W, H, 4, (x, y) => [x, y, 9, x * 6]);
    const img = await decodeImage(png({ width: W, height: H, data: rgba, channels: 4 }), 'a.png');
    expect(img).toEqual({ width: W, height: H, data: rgbOf(rgba) });
  });

  it('JPEG, close to the source at quality 95', async () => {
    const img = await decodeImage(jpg(W, H, source), 'a.jpg');
    expect([img.width, img.height, img.data.length]).toEqual([W, H, W * H * 3]);
    expect(meanAbsDiff(img.data, rgbOf(source))).toBeLessThan(2);
  });

  it('JPEG whatever the file is called', async () => {
    const img = await decodeImage(jpg(W, H, source), 'misnamed.png');
    expect(img.width).toBe(W);
  });

  it('WebP lossless: exact; lossy: close', async () => {
    const lossless = await decodeImage(await webp(W, H, source, { lossless: 1 }), 'a.webp');
    expect(lossless).toEqual({ width: W, height: H, data: rgbOf(source) });
    const lossy = await decodeImage(await webp(W, H, source, { quality: 95 }), 'b.webp');
    expect(meanAbsDiff(lossy.data, rgbOf(source))).toBeLessThan(3);
  });

  it('WebP with alpha: colour kept, alpha dropped', async () => {
    const rgba = pixels(W, H, 4, (x, y) => [5 * x, 7 * y, 100, x < W / 2 ? 0 : 255]);
    // exact: keep the RGB under fully transparent pixels (libwebp may otherwise rewrite it).
    const img = await decodeImage(await webp(W, H, rgba, { lossless: 1, exact: 1 }), 'alpha.webp');
    expect(img.data).toEqual(rgbOf(rgba));
  });

  it('WebP decodes concurrently (one wasm initialisation shared)', async () => {
    const bytes = await webp(W, H, source, { lossless: 1 });
    const all = await Promise.all([1, 2, 3].map((i) => decodeImage(bytes, `${i}.webp`)));
    for (const img of all) expect(img.data).toEqual(rgbOf(source));
  });
});

describe('decodeImage: refusals', () => {
  it('random bytes and text → UnsupportedImageTypeError', async () => {
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    await expect(decodeImage(random, 'noise.png')).rejects.toThrow(UnsupportedImageTypeError);
    await expect(decodeImage(new TextEncoder().encode('not an image'), 'notes.jpg')).rejects.toThrow(
      UnsupportedImageTypeError,
    );
  });

  it('an empty file is said to be empty', async () => {
    await expect(decodeImage(new Uint8Array(), 'empty.webp')).rejects.toThrow('"empty.webp" could not be decoded as an image: the file is empty (0 bytes)');
  });

  it('truncated PNG, JPEG, WebP → ImageDecodeError naming the file', async () => {
    const files: [string, Uint8Array][] = [
      ['cut.png', png({ width: W, height: H, data: source, channels: 4 })],
      ['cut.jpg', jpg(W, H, source)],
      ['cut.webp', await webp(W, H, source)],
    ];
    for (const [name, bytes] of files) {
      for (const keep of [0.5, 0.9]) {
        const cut = bytes.slice(0, Math.floor(bytes.length * keep));
        await expect(decodeImage(cut, name), `${name} at ${keep}`).rejects.toThrow(ImageDecodeError);
        const e = await decodeImage(cut, name).catch((x) => x);
        expect(e.message).toBe(`"${name}" could not be decoded as an image: the file is incomplete: it ends before the image data does (an interrupted download or copy?)`);
      }
    }
  });

  it('corrupt PNG → ImageDecodeError with the library reason', async () => {
    const bytes = png({ width: W, height: H, data: source, channels: 4 });
    const deflate = bytes.slice();
    deflate[60] ^= 0xff; // inside the IDAT chunk: zlib fails before the CRC is read
    await expect(decodeImage(deflate, 'flipped.png')).rejects.toThrow(ImageDecodeError);
    await expect(decodeImage(deflate, 'flipped.png')).rejects.toThrow(/decompressing the data: \w+/);
    const crc = bytes.slice();
    crc[crc.length - 1] ^= 0xff; // IEND's CRC
    await expect(decodeImage(crc, 'crc.png')).rejects.toThrow(/CRC/i);
  });

  it('animated WebP → ImageDecodeError that says so', async () => {
    const still = await webp(W, H, source);
    // VP8X with the animation flag in front of the still image's chunk.
    const vp8x = new Uint8Array(18);
    vp8x.set([...'VP8X'].map((c) => c.charCodeAt(0)));
    vp8x.set([10, 0, 0, 0, 0x02, 0, 0, 0, (W - 1) & 255, 0, 0, (H - 1) & 255, 0, 0], 4);
    const anim = new Uint8Array([...still.subarray(0, 12), ...vp8x, ...still.subarray(12)]);
    new DataView(anim.buffer).setUint32(4, anim.length - 8, true);
    await expect(decodeImage(anim, 'anim.webp')).rejects.toThrow(/animated WebP/);
  });

  it('a PNG header claiming 9000×10 → ImageTooLargeError before decoding', async () => {
    const bytes = png({ width: W, height: H, data: source, channels: 4 });
    new DataView(bytes.buffer).setUint32(16, 9000); // IHDR width; the CRC is now wrong too
    await expect(decodeImage(bytes, 'wide.png')).rejects.toThrow(ImageTooLargeError);
  });

  it('more than 50 MB → ImageTooLargeError', async () => {
    const huge = new Uint8Array(MAX_IMAGE_BYTES + 1);
    huge.set(jpg(W, H, source));
    await expect(decodeImage(huge, 'huge.jpg')).rejects.toThrow(ImageTooLargeError);
  });
});
