// The one sha256 helper. WebCrypto's digest() takes one buffer and copies it, which for a 1.7 GB
// UNet means a second 1.7 GB in the worker; hash-wasm hashes incrementally over views of the bytes.
import { createSHA256 } from 'hash-wasm';
import { CHUNK_BYTES } from './file-storage.ts';

/** `onHashed`: bytes hashed so far, after each chunk (a 1.8 GB check takes seconds: it is shown). */
export async function sha256OfChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, onHashed?: (bytes: number) => void): Promise<string> {
  const h = await createSHA256();
  h.init();
  let hashed = 0;
  for await (const c of chunks) {
    h.update(c);
    onHashed?.((hashed += c.byteLength));
  }
  return h.digest('hex');
}

export function* viewsOf(bytes: Uint8Array, chunkBytes = CHUNK_BYTES): Iterable<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += chunkBytes) yield bytes.subarray(at, at + chunkBytes);
}

/** Hex sha256 of bytes already in memory (hashed in chunks, never copied whole). */
export function sha256Hex(bytes: Uint8Array): Promise<string> {
  return sha256OfChunks(viewsOf(bytes));
}

/** A Blob's bytes as its stream gives them: hashed without holding the whole file. */
export async function* blobChunks(blob: Blob): AsyncIterable<Uint8Array> {
  const reader = blob.stream().getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
}
