// FileStorage in memory: the store's logic is tested in Node with it. `quotaBytes` makes writes
// fail like a full disk does in the browser (a QuotaExceededError DOMException).
import { bytesSource, type ByteSource } from './byte-source.ts';
import { CHUNK_BYTES, type FileStorage, type FileWriter } from './file-storage.ts';

export class MemoryStorage implements FileStorage {
  readonly files = new Map<string, Uint8Array>();
  constructor(public quotaBytes = Infinity) {}

  usedBytes(): number {
    let n = 0;
    for (const f of this.files.values()) n += f.byteLength;
    return n;
  }

  async size(key: string): Promise<number> {
    return this.files.get(key)?.byteLength ?? 0;
  }

  async openWriter(key: string, offset: number): Promise<FileWriter> {
    const parts: Uint8Array[] = [(this.files.get(key) ?? new Uint8Array()).subarray(0, offset)];
    const flush = () => this.files.set(key, concat(parts));
    flush();
    return {
      write: async (chunk) => {
        if (this.usedBytes() + chunk.byteLength > this.quotaBytes) {
          throw new DOMException('The operation failed because it would cause the application to exceed its storage quota.', 'QuotaExceededError');
        }
        parts.push(chunk.slice());
        flush();
      },
      close: async () => undefined,
    };
  }

  async read(key: string): Promise<Uint8Array> {
    const f = this.files.get(key);
    if (!f) throw new Error(`no stored file ${key}`);
    return f.slice();
  }

  async blob(key: string): Promise<Blob> {
    return new Blob([await this.read(key) as Uint8Array<ArrayBuffer>]);
  }

  async source(key: string, name: string): Promise<ByteSource> {
    return bytesSource(await this.read(key), name);
  }

  async *chunks(key: string, chunkBytes = CHUNK_BYTES): AsyncIterable<Uint8Array> {
    const f = this.files.get(key) ?? new Uint8Array();
    for (let at = 0; at < f.byteLength; at += chunkBytes) yield f.subarray(at, at + chunkBytes);
  }

  async delete(key: string): Promise<void> {
    this.files.delete(key);
  }

  async keys(): Promise<string[]> {
    return [...this.files.keys()];
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
