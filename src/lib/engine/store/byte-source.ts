// A checkpoint's bytes, read by range and never whole (a 1.8 GB file; Chromium caps one ArrayBuffer
// near 2 GB). Reading the zip directory and the pickle is async; the converter passes that turn
// weights into variants are synchronous, so the streamed import also needs `readSync`: in the
// engine's worker FileReaderSync gives it over any Blob (a picked File, an OPFS file), in Node
// fs.readSync (src/cli/file-source.ts).
import { CheckpointError } from '../errors.ts';

export interface ByteSource {
  /** For messages: the file's name. */
  name: string;
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  readSync?(offset: number, length: number): Uint8Array;
}

interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

export function blobSource(blob: Blob, name: string): ByteSource {
  const Sync = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
  const reader = Sync ? new Sync() : undefined;
  return {
    name,
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
    readSync: reader && ((offset, length) => new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + length)))),
  };
}

/** Bytes already in memory (a file in the in-memory model store, in Node tests). */
export function bytesSource(bytes: Uint8Array, name: string): ByteSource {
  const readSync = (offset: number, length: number) => bytes.subarray(offset, Math.min(offset + length, bytes.byteLength));
  return { name, size: bytes.byteLength, readSync, read: async (offset, length) => readSync(offset, length) };
}

/** Exactly `length` bytes at `offset`, or a CheckpointError naming what was cut short. */
export function checkedRead(bytes: Uint8Array, length: number, what: string, source: ByteSource): Uint8Array {
  if (bytes.byteLength !== length) throw new CheckpointError(`${source.name}: ${what} is cut short (truncated file?)`);
  return bytes;
}
