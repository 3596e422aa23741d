// Every PNG colour type and bit depth → the RGB bytes PIL's .convert('RGB') gives.
import { describe, expect, it } from 'vitest';
import { decodePngToRgb } from '../../../src/lib/engine/image/png-pixels.ts';
import { packBits, pixels, png, rgbOf } from './encoders.ts';

const W = 13; // odd, so packed rows end mid-byte
const H = 5;

describe('decodePngToRgb', () => {
  it('RGB 8-bit: unchanged', () => {
    const data = pixels(W, H, 3, (x, y) => [x * 19, y * 50, (x * y) % 256]);
    expect(decodePngToRgb(png({ width: W, height: H, data, channels: 3 }))).toEqual({ width: W, height: H, data });
  });

  it('RGBA 8-bit: alpha dropped, colour under transparent pixels kept (no compositing)', () => {
    const data = pixels(W, H, 4, (x, y) => [x * 19, y * 50, 200, (x * 40) % 256]);
    const out = decodePngToRgb(png({ width: W, height: H, data, channels: 4 }));
    expect(out.data).toEqual(rgbOf(data));
    expect(Array.from(out.data.subarray(0, 3))).toEqual([0, 0, 200]); // alpha 0 there
  });

  it('greyscale 8-bit and grey+alpha: replicated to R=G=B', () => {
    const grey = pixels(W, H, 1, (x, y) => [(x * 20 + y) % 256]);
    const expected = Uint8Array.from([...grey].flatMap((v) => [v, v, v]));
    expect(decodePngToRgb(png({ width: W, height: H, data: grey, channels: 1 })).data).toEqual(expected);
    const greyAlpha = pixels(W, H, 2, (x, y) => [(x * 20 + y) % 256, 17]);
    expect(decodePngToRgb(png({ width: W, height: H, data: greyAlpha, channels: 2 })).data).toEqual(expected);
  });

  it('greyscale 1, 2 and 4-bit: stretched to 0..255 like PIL', () => {
    for (const [depth, step] of [
      [1, 255],
      [2, 85],
      [4, 17],
    ] as const) {
      const samples = Array.from({ length: W * H }, (_, i) => i % (1 << depth));
      const out = decodePngToRgb(png({ width: W, height: H, data: packBits(samples, W, depth), channels: 1, depth }));
      expect(out.data).toEqual(Uint8Array.from(samples.flatMap((v) => [v * step, v * step, v * step])));
    }
  });

  it('palette 8-bit and 4-bit (with tRNS alpha): looked up, alpha dropped', () => {
    const palette = [
      [10, 20, 30, 0], // transparent entries first: fast-png writes tRNS in palette order
      [200, 100, 50, 128],
      [1, 2, 3, 255],
      [255, 255, 0, 255],
    ];
    const indices = Array.from({ length: W * H }, (_, i) => (i * 7) % palette.length);
    const expected = Uint8Array.from(indices.flatMap((i) => palette[i].slice(0, 3)));
    const p8 = png({ width: W, height: H, data: Uint8Array.from(indices), channels: 1, depth: 8, palette });
    expect(decodePngToRgb(p8).data).toEqual(expected);
    const p4 = png({ width: W, height: H, data: packBits(indices, W, 4), channels: 1, depth: 4, palette });
    expect(decodePngToRgb(p4).data).toEqual(expected);
  });

  it('16-bit RGB, RGBA and greyscale: the high byte', () => {
    const rgb16 = Uint16Array.from({ length: W * H * 3 }, (_, i) => (i * 4099) % 65536);
    const hi = (a: Uint16Array, channels: number, take: number) =>
      Uint8Array.from(
        Array.from({ length: W * H }, (_, p) => {
          const px = Array.from({ length: take }, (_, c) => a[p * channels + c] >> 8);
          return take === 1 ? [px[0], px[0], px[0]] : px;
        }).flat(),
      );
    expect(decodePngToRgb(png({ width: W, height: H, data: rgb16, channels: 3, depth: 16 })).data).toEqual(hi(rgb16, 3, 3));
    const rgba16 = Uint16Array.from({ length: W * H * 4 }, (_, i) => (i * 3001) % 65536);
    expect(decodePngToRgb(png({ width: W, height: H, data: rgba16, channels: 4, depth: 16 })).data).toEqual(
      hi(rgba16, 4, 3),
    );
    const grey16 = Uint16Array.from({ length: W * H }, (_, i) => (i * 1021) % 65536);
    expect(decodePngToRgb(png({ width: W, height: H, data: grey16, channels: 1, depth: 16 })).data).toEqual(
      hi(grey16, 1, 1),
    );
  });

  it('Adam7-interlaced PNGs decode to the same pixels', () => {
    const data = pixels(W, H, 3, (x, y) => [x * 19, y * 50, 7]);
    const plain = decodePngToRgb(png({ width: W, height: H, data, channels: 3 }));
    const interlaced = decodePngToRgb(png({ width: W, height: H, data, channels: 3 }, { interlace: 'Adam7' }));
    expect(interlaced).toEqual(plain);
  });
});
