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

// 1×1 images (made with PIL) decoded once at start-up, so each decoder's .wasm is fetched then —
// while the app loads its models — and never during scoring (the privacy e2e test counts requests).
const PROBES: Record<Codec, string> = {
  webp: 'UklGRh4AAABXRUJQVlA4TBEAAAAvAAAAAAdQsiJXpv+BiOh/AAA=',
  jpeg:
    '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/2wBDAQkJCQwLDBgNDRgyIRwhMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjL/wAARCAABAAEDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwCOiiivmj7A/9k=',
};

/** Load both decoders now (see PROBES). */
export async function preloadCodecs(): Promise<void> {
  const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  await Promise.all((Object.keys(PROBES) as Codec[]).map((c) => decodeWasmRgba(c, bytes(PROBES[c]))));
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
