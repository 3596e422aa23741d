// The only environment switch in image decoding. @jsquash/webp is libwebp compiled by emscripten;
// its glue finds webp_dec.wasm with `new URL('webp_dec.wasm', import.meta.url)`:
// - in the browser (Vite-bundled module worker) Vite sees that pattern, emits the .wasm as an asset
//   and the glue fetches it, so nothing needs doing here;
// - in Node (vitest, the CLI via tsx) that URL is a file: URL, which Node's fetch cannot read, and
//   the glue has no Node file reader, so we compile the .wasm from disk and hand the module to the
//   package's `init`.
import decodeWebp, { init as initWebpDecoder } from '@jsquash/webp/decode.js';

let ready: Promise<void> | undefined;

/** Decode WebP bytes to RGBA (ImageData-shaped). Throws the library's Error on bad data. */
export async function decodeWebpRgba(bytes: Uint8Array): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  await ensureReady();
  // The decoder wants an ArrayBuffer holding exactly the file (a view may sit inside a bigger buffer).
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
  return decodeWebp(whole ? (bytes.buffer as ArrayBuffer) : bytes.slice().buffer);
}

function ensureReady(): Promise<void> {
  // Memoised, but forgotten on failure so a later call retries instead of repeating the error.
  ready ??= (isNode() ? initFromDisk() : Promise.resolve()).catch((e: unknown) => {
    ready = undefined;
    throw e;
  });
  return ready;
}

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

async function initFromDisk(): Promise<void> {
  // Specifiers held in variables and marked @vite-ignore: Vite must not try to bundle Node
  // built-ins into the browser worker; this branch never runs there.
  const fsModule = 'node:fs/promises';
  const nodeModule = 'node:module';
  const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const { createRequire } = (await import(/* @vite-ignore */ nodeModule)) as typeof import('node:module');
  const wasmPath = createRequire(import.meta.url).resolve('@jsquash/webp/codec/dec/webp_dec.wasm');
  const wasm = await WebAssembly.compile(await readFile(wasmPath));
  // decode.js's init takes (WebAssembly.Module, options); its .d.ts only declares the options form.
  // Two arguments, so init does not fall back to an `instanceof WebAssembly.Module` test.
  await (initWebpDecoder as unknown as (m: WebAssembly.Module, o: object) => Promise<void>)(wasm, {});
}
