// FileStorage on the Origin Private File System, used in the engine's worker. Chosen over the
// Cache API by measurement (BENCHMARKS.md, "Model storage"): a sync access handle writes at an
// offset, so a download cut off half-way keeps its bytes and resumes with an HTTP Range request,
// while a Cache API entry is all-or-nothing. Sync access handles exist only in dedicated workers,
// which is where the engine runs.
import { CHUNK_BYTES, type FileStorage, type FileWriter } from './file-storage.ts';

export interface SyncHandle {
  write(buffer: Uint8Array, opts: { at: number }): number;
  read(buffer: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}
export type FileHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncHandle> };

export function hasOpfs(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.storage?.getDirectory === 'function';
}

export class OpfsStorage implements FileStorage {
  #dir: Promise<FileSystemDirectoryHandle>;

  constructor(folder = 'preflens-models') {
    this.#dir = navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(folder, { create: true }));
  }

  async #file(key: string, create = false): Promise<FileHandle | null> {
    try {
      return (await (await this.#dir).getFileHandle(key, { create })) as FileHandle;
    } catch (e) {
      if ((e as DOMException).name === 'NotFoundError') return null;
      throw e;
    }
  }

  async size(key: string): Promise<number> {
    const f = await this.#file(key);
    return f ? (await f.getFile()).size : 0;
  }

  async openWriter(key: string, offset: number): Promise<FileWriter> {
    const handle = await (await this.#file(key, true))!.createSyncAccessHandle();
    let at = offset;
    try {
      handle.truncate(offset);
    } catch (e) {
      handle.close();
      throw e;
    }
    return {
      write: async (chunk) => {
        let done = 0;
        while (done < chunk.byteLength) done += handle.write(chunk.subarray(done), { at: at + done });
        at += done;
      },
      close: async () => {
        try {
          handle.flush();
        } finally {
          handle.close();
        }
      },
    };
  }

  async read(key: string): Promise<Uint8Array> {
    const f = await this.#file(key);
    if (!f) throw new Error(`no stored file ${key}`);
    // One allocation of the exact size, filled in place (getFile().arrayBuffer() would do the same
    // through a Blob; the sync handle avoids the Blob's own copy). The handle is exclusive: a second
    // reader of the same file at the same time (the Models view inspecting a family while the engine
    // loads it) cannot have one and reads through the File instead.
    let handle: SyncHandle;
    try {
      handle = await f.createSyncAccessHandle();
    } catch (e) {
      if ((e as DOMException).name !== 'NoModificationAllowedError') throw e;
      return new Uint8Array(await (await f.getFile()).arrayBuffer());
    }
    try {
      const out = new Uint8Array(handle.getSize());
      let done = 0;
      while (done < out.byteLength) {
        const n = handle.read(out.subarray(done), { at: done });
        if (n <= 0) break;
        done += n;
      }
      return done === out.byteLength ? out : out.subarray(0, done);
    } finally {
      handle.close();
    }
  }

  async blob(key: string): Promise<Blob> {
    const f = await this.#file(key);
    if (!f) throw new Error(`no stored file ${key}`);
    return f.getFile();
  }

  async *chunks(key: string, chunkBytes = CHUNK_BYTES): AsyncIterable<Uint8Array> {
    const f = await this.#file(key);
    if (!f) return;
    const file = await f.getFile();
    for (let at = 0; at < file.size; at += chunkBytes) {
      yield new Uint8Array(await file.slice(at, at + chunkBytes).arrayBuffer());
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await (await this.#dir).removeEntry(key);
    } catch (e) {
      if ((e as DOMException).name !== 'NotFoundError') throw e;
    }
  }

  async keys(): Promise<string[]> {
    const out: string[] = [];
    const dir = (await this.#dir) as FileSystemDirectoryHandle & { keys(): AsyncIterable<string> };
    for await (const k of dir.keys()) out.push(k);
    return out;
  }
}
