// The only environment switch in image decoding. @jsquash/webp (libwebp) and @jsquash/jpeg
// (MozJPEG, i.e. libjpeg-turbo's decoder — the same decoder PIL uses, so JPEG pixels match
// ImageReward's bit for bit; jpeg-js was a few levels off) are emscripten builds whose glue finds
// its .wasm with `new URL('….wasm', import.meta.url)`:
// - in the browser (Vite-bundled module worker) Vite sees that pattern, emits the .wasm as an asset
//   and the glue fetches it, so nothing needs doing here;
// - in Node (vitest, the CLI via tsx) that URL is a file: URL, which Node's fetch cannot read, and
//   the glue has no Node file reader, so we compile the .wasm from disk and hand the module to the
//   package's `init`.
import decodeJpeg, { init as initJpegDecoder } from '@jsquash/jpeg/decode.js';
import decodeWebp, { init as initWebpDecoder } from '@jsquash/webp/decode.js';

type Rgba = { width: number; height: number; data: Uint8ClampedArray };
type Init = (m: WebAssembly.Module, o: object) => Promise<void>;

const codecs = {
  webp: { decode: decodeWebp, init: initWebpDecoder as unknown as Init, wasm: '@jsquash/webp/codec/dec/webp_dec.wasm' },
  jpeg: { decode: decodeJpeg, init: initJpegDecoder as unknown as Init, wasm: '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm' },
};
type Codec = keyof typeof codecs;
const ready: Partial<Record<Codec, Promise<void>>> = {};

/** Decode WebP or JPEG bytes to RGBA (ImageData-shaped). Throws the library's Error on bad data. */
export async function decodeWasmRgba(codec: Codec, bytes: Uint8Array): Promise<Rgba> {
  await ensureReady(codec);
  // The decoders want an ArrayBuffer holding exactly the file (a view may sit inside a bigger buffer).
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return codecs[codec].decode(whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer);
}

function ensureReady(codec: Codec): Promise<void> {
  // Memoised, but forgotten on failure so a later call retries instead of repeating the error.
  ready[codec] ??= (isNode() ? initFromDisk(codec) : Promise.resolve()).catch((e: unknown) => {
    ready[codec] = undefined;
    throw e;
  });
  return ready[codec];
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

async function initFromDisk(codec: Codec): Promise<void> {
  // Specifiers held in variables and marked @vite-ignore: Vite must not try to bundle Node
  // built-ins into the browser worker; this branch never runs there.
  const fsModule = 'node:fs/promises';
  const nodeModule = 'node:module';
  const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('node:module');
  const wasm = await WebAssembly.compile(await readFile(createRequire(import.meta.url).resolve(codecs[codec].wasm)));
  // decode.js's init takes (WebAssembly.Module, options); its .d.ts only declares the options form.
  // Two arguments, so init does not fall back to an `instanceof WebAssembly.Module` test.
  await codecs[codec].init(wasm, {});
}
