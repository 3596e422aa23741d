// Where downloaded model files live. Two implementations: OPFS in the browser worker
// (opfs-storage.ts) and memory (memory-storage.ts, Node tests). Files are written in chunks at an
// offset so a download that stopped half-way can go on from the bytes already stored.
import type { ByteSource } from './byte-source.ts';

export interface FileStorage {
  /** Bytes stored under `key` (0 when there is no such file). */
  size(key: string): Promise<number>;
  /** Open `key` for writing from `offset` (the file is cut to `offset` first). */
  openWriter(key: string, offset: number): Promise<FileWriter>;
  /** The whole file in one buffer (the caller hands it to onnxruntime). */
  read(key: string): Promise<Uint8Array>;
  /** The file as a Blob, read by range (OPFS: its File; memory: a Blob over the bytes). */
  blob(key: string): Promise<Blob>;
  /** A storage that can read its files synchronously by itself (memory); else the blob is read. */
  source?(key: string, name: string): Promise<ByteSource>;
  /** The file in chunks, for hashing without a second full copy. */
  chunks(key: string, chunkBytes?: number): AsyncIterable<Uint8Array>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

export interface FileWriter {
  /** Append; throws a DOMException named QuotaExceededError when storage is full. */
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** What `navigator.storage` offers (absent in Node). */
export interface StorageManagerLike {
  estimate(): Promise<{ usage?: number; quota?: number }>;
  persist?(): Promise<boolean>;
  persisted?(): Promise<boolean>;
}

export const CHUNK_BYTES = 16 * 1024 * 1024;

export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: string })?.name;
  return name === 'QuotaExceededError' || /quota/i.test((e as Error)?.message ?? '');
}
