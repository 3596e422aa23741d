// Test images are encoded here, by code, with the same libraries the app decodes with (never
// downloaded). WebP uses @jsquash/webp's own encoder; in Node its wasm is compiled from disk, as
// the engine's wasm-codecs.ts does for the decoder.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { encode as encodePngLib, type ImageData as PngImageData, type PngEncoderOptions } from 'fast-png';
import jpeg from 'jpeg-js';
import encodeWebpLib, { init as initWebpEncoder } from '@jsquash/webp/encode.js';
import type { EncodeOptions } from '@jsquash/webp/meta.js';

export type Pixel = (x: number, y: number) => number[];

/** width × height × channels bytes from a per-pixel function. */
export function pixels(width: number, height: number, channels: number, px: Pixel): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(px(x, y).slice(0, channels), (y * width + x) * channels);
  }
  return data;
}

/** Drop every 4th byte: what the decoder must return for an RGBA source. */
export function rgbOf(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) out.set(rgba.subarray(i, i + 3), o);
  return out;
}

export function png(img: PngImageData, options?: PngEncoderOptions): Uint8Array {
  return encodePngLib(img, options);
}

/** Pack one-channel samples of `depth` < 8 bits, most significant first, rows padded to bytes. */
export function packBits(samples: number[], width: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((width * depth) / 8);
  const height = samples.length / width;
  const out = new Uint8Array(rowBytes * height);
  samples.forEach((v, i) => {
    const y = Math.floor(i / width);
    const bit = (i % width) * depth;
    out[y * rowBytes + (bit >> 3)] |= v << (8 - depth - (bit & 7));
  });
  return out;
}

export function jpg(width: number, height: number, rgba: Uint8Array, quality = 95): Uint8Array {
  return new Uint8Array(jpeg.encode({ width, height, data: Buffer.from(rgba) }, quality).data);
}

let webpReady: Promise<unknown> | undefined;

export async function webp(width: number, height: number, rgba: Uint8Array, options: Partial<EncodeOptions> = {}): Promise<Uint8Array> {
  webpReady ??= (async () => {
    // encode.js picks its SIMD build whenever WebAssembly SIMD exists, which it always does in
    // Node ≥ 16.4, so that is the wasm to hand it.
    const path = createRequire(import.meta.url).resolve('@jsquash/webp/codec/enc/webp_enc_simd.wasm');
    const wasm = await WebAssembly.compile(await readFile(path));
    // The JS takes (WebAssembly.Module, options); the .d.ts only declares the options form.
    return (initWebpEncoder as unknown as (m: WebAssembly.Module, o: object) => Promise<unknown>)(wasm, {});
  })();
  await webpReady;
  const data = new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  const out = await encodeWebpLib({ width, height, data, colorSpace: 'srgb' } as ImageData, options);
  return new Uint8Array(out);
}
