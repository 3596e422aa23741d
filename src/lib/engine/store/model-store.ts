// Downloaded model files, kept across visits: download (with byte progress, rate and ETA, resume,
// cancel and a quota check first), verification (length, then sha256 from the manifest or the one
// recorded at first download), and eviction of a cached copy that no longer verifies.
import { blobSource, type ByteSource } from './byte-source.ts';
import { CancelledError, ModelFileError, StorageQuotaError } from '../errors.ts';
import { formatBytes as mb } from './format-bytes.ts';
import { isQuotaError, type FileStorage, type StorageManagerLike } from './file-storage.ts';
import { fetchResumable } from './fetch-resumable.ts';
import { findRecord, recordId, recordKey, type FileRecord, type RecordStore } from './records.ts';
import { keyOf } from './storage-key.ts';
import { blobChunks, sha256OfChunks, viewsOf } from './sha256.ts';
import { TransferRate, type Transfer } from './transfer-rate.ts';

/** A file as a manifest describes it, with its URL resolved. */
export interface StoreFile {
  url: string;
  name: string;
  bytes: number;
  sha256?: string;
}

export type FileState = 'missing' | 'partial' | 'cached';

export interface FileStatus extends StoreFile {
  state: FileState;
  /** Bytes on disk (all of them when cached, some when a download stopped half-way). */
  present: number;
}

export interface DownloadProgress extends Transfer {
  file: string;
  fileLoaded: number;
  fileTotal: number;
  /** Why this file's stored bytes were dropped and it starts over, when they were. */
  restarted?: string;
  /** Once the file is downloaded: bytes of it hashed so far by its sha256 check (of `fileTotal`). */
  hashed?: number;
}

export interface StoreDeps {
  storage: FileStorage;
  records: RecordStore;
  fetch?: typeof fetch;
  storageManager?: StorageManagerLike;
  /** Retry delay for dropped connections (tests make it short). */
  backoffMs?: number;
}

export interface StorageInfo {
  /** Bytes of model files this store holds (complete or partial); the library adds scratchBytes. */
  storeBytes: number;
  /** Of storeBytes, a conversion's scratch file (running, or cut short and not yet removed). */
  scratchBytes?: number;
  usage?: number;
  quota?: number;
  persisted?: boolean;
}


export class ModelStore {
  #persistAsked = false;
  constructor(private deps: StoreDeps) {}

  async status(files: readonly StoreFile[]): Promise<FileStatus[]> {
    return Promise.all(files.map(async (f) => {
      const rec = await findRecord(this.deps.records, f);
      const stored = rec ? await this.deps.storage.size(rec.key) : 0;
      // More bytes than the file has cannot be resumed: the download discards them.
      const present = stored > f.bytes ? 0 : stored;
      const state: FileState = rec?.complete && present === f.bytes ? 'cached' : present > 0 ? 'partial' : 'missing';
      return { ...f, state, present };
    }));
  }

  /** Download what is missing; files already cached are skipped, partial ones resumed. */
  async download(files: readonly StoreFile[], o: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void } = {}): Promise<void> {
    const status = await this.status(files);
    const total = files.reduce((n, f) => n + f.bytes, 0);
    let loaded = status.reduce((n, s) => n + s.present, 0);
    await this.#checkQuota(total - loaded);
    const rate = new TransferRate(total);
    for (const s of status) {
      if (s.state === 'cached') continue;
      const { rec, restarted: dropped } = await this.#record(s);
      let restarted = dropped;
      // What is stored now: status() counted bytes that #record may have just discarded.
      let fileLoaded = await this.deps.storage.size(rec.key);
      loaded += fileLoaded - s.present;
      const report = (hashed?: number) => o.onProgress?.({
        ...rate.update(loaded), file: s.name, fileLoaded, fileTotal: s.bytes, ...(restarted ? { restarted } : {}), ...(hashed === undefined ? {} : { hashed }),
      });
      report();
      try {
        await fetchResumable(s, this.deps.storage, rec.key, {
          fetch: this.deps.fetch,
          signal: o.signal,
          backoffMs: this.deps.backoffMs,
          onRestart: (why) => (restarted = why),
          onBytes: (d) => {
            loaded += d;
            fileLoaded += d;
            report();
          },
        });
      } catch (e) {
        if (isQuotaError(e)) {
          await this.#evict(rec);
          throw new StorageQuotaError(
            `Storage is full: ${s.name} stopped after ${mb(fileLoaded)} of ${mb(s.bytes)} and was removed; other cached models are untouched. Free space (delete a model) and download again.`,
          );
        }
        throw e;
      }
      if (o.signal?.aborted) throw new CancelledError('Download cancelled');
      report(0);
      await this.#finish(s, rec, report);
    }
  }

  /**
   * A file made on this device (an imported model's variant) written in pieces and hashed as it is
   * written; it is then cached like a downloaded one. Storage full removes it and says so.
   */
  async writeFile(f: StoreFile, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<string> {
    await this.#checkQuota(f.bytes);
    const { rec } = await this.#record(f);
    const w = await this.deps.storage.openWriter(rec.key, 0);
    let sha: string;
    try {
      sha = await sha256OfChunks((async function* () {
        for await (const c of chunks) {
          await w.write(c);
          yield c;
        }
      })());
    } catch (e) {
      await w.close().catch(() => undefined);
      await this.#evict(rec);
      if (isQuotaError(e)) throw new StorageQuotaError(`Storage is full: ${f.name} (${mb(f.bytes)}) could not be written and was removed; other cached models are untouched. Free space (delete a model) and try again.`);
      throw e;
    }
    await w.close();
    await this.deps.records.set({ ...rec, complete: true, sha256: sha, shaSource: 'manifest', savedAt: Date.now() });
    return sha;
  }

  /** A cached file read by range, never whole (a downloaded checkpoint, imported from the store). */
  async source(f: StoreFile): Promise<ByteSource> {
    const rec = await findRecord(this.deps.records, f);
    if (!rec?.complete) throw new ModelFileError(`${f.name} is not downloaded yet`);
    return (await this.deps.storage.source?.(rec.key, f.name)) ?? blobSource(await this.deps.storage.blob(rec.key), f.name);
  }

  /**
   * A cached file as a Blob (OPFS: a File on disk), verified like read() but by streaming it through
   * the hash, so a model's weights are never whole in JS memory; a copy that fails is removed.
   */
  async blob(f: StoreFile): Promise<Blob> {
    const rec = await this.#complete(f);
    const blob = await this.deps.storage.blob(rec.key);
    await this.#verify(rec, f, blob.size, () => sha256OfChunks(blobChunks(blob)));
    return blob;
  }

  /** A cached file's bytes, verified; a copy that fails is removed and named. */
  async read(f: StoreFile): Promise<Uint8Array> {
    const rec = await this.#complete(f);
    const bytes = await this.deps.storage.read(rec.key);
    await this.#verify(rec, f, bytes.byteLength, () => sha256OfChunks(viewsOf(bytes)));
    return bytes;
  }

  async #complete(f: StoreFile): Promise<FileRecord> {
    const rec = await findRecord(this.deps.records, f);
    if (!rec?.complete) throw new ModelFileError(`${f.name} is not downloaded yet: open Models and download it`);
    return rec;
  }

  async #verify(rec: FileRecord, f: StoreFile, size: number, hash: () => Promise<string>): Promise<void> {
    if (size !== f.bytes) {
      await this.#evict(rec);
      throw new ModelFileError(`The cached ${f.name} is truncated (${size} of ${f.bytes} bytes) and was removed: download it again`);
    }
    const expected = f.sha256?.toLowerCase() ?? rec.sha256;
    if (!expected) return;
    const found = await hash();
    if (found !== expected) {
      await this.#evict(rec);
      const from = f.sha256 ? 'the manifest' : 'its first download';
      throw new ModelFileError(`The cached ${f.name} is corrupt (sha256 ${found.slice(0, 12)}…, ${from} says ${expected.slice(0, 12)}…) and was removed: download it again`);
    }
  }

  /** A small file kept whole (a family's manifest), so the family can be opened offline. */
  async saveDocument(url: string, bytes: Uint8Array): Promise<void> {
    const rec: FileRecord = { url, key: await keyOf(url), bytes: bytes.byteLength, complete: false, savedAt: Date.now() };
    const w = await this.deps.storage.openWriter(rec.key, 0);
    try {
      await w.write(bytes);
    } catch (e) {
      if (isQuotaError(e)) throw new StorageQuotaError(`Storage is full: could not keep ${url}`);
      throw e;
    } finally {
      await w.close();
    }
    await this.deps.records.set({ ...rec, complete: true, sha256: await sha256OfChunks([bytes]), shaSource: 'first-download', document: true });
  }

  /**
   * The URLs of the documents (families' manifests) kept. Those saved before records were marked
   * are known by what saveDocument made of them: a small .json with the sha256 of its first download.
   */
  async documents(): Promise<string[]> {
    const legacy = (r: FileRecord) => r.document === undefined && r.shaSource === 'first-download' && r.url.endsWith('.json') && r.bytes < 65_536;
    return (await this.deps.records.all()).filter((r) => r.complete && (r.document || legacy(r))).map((r) => r.url);
  }

  async readDocument(url: string): Promise<Uint8Array | null> {
    const rec = await this.deps.records.get(url);
    if (!rec?.complete) return null;
    return this.read({ url, name: url.split('/').pop() ?? url, bytes: rec.bytes });
  }

  async delete(files: readonly StoreFile[]): Promise<void> {
    for (const f of files) {
      const rec = await findRecord(this.deps.records, f);
      if (rec) await this.#evict(rec);
    }
  }

  async info(): Promise<StorageInfo> {
    let storeBytes = 0;
    for (const r of await this.deps.records.all()) storeBytes += await this.deps.storage.size(r.key);
    const est = await this.deps.storageManager?.estimate().catch(() => undefined);
    const persisted = await this.deps.storageManager?.persisted?.().catch(() => undefined);
    return { storeBytes, usage: est?.usage, quota: est?.quota, persisted };
  }

  /** Refuse before the first byte when the origin's quota cannot hold the rest of the download. */
  async #checkQuota(needed: number): Promise<void> {
    const sm = this.deps.storageManager;
    if (!sm || needed <= 0) return;
    if (!this.#persistAsked) {
      this.#persistAsked = true;
      // Persistent storage is not evicted under pressure; the browser may say no, which is fine.
      await sm.persist?.().catch(() => false);
    }
    const { usage = 0, quota } = await sm.estimate();
    if (quota !== undefined && needed > quota - usage) {
      throw new StorageQuotaError(
        `Not enough storage: this download needs ${mb(needed)}, the browser allows ${mb(Math.max(0, quota - usage))} more for this site. Delete a model or free disk space.`,
      );
    }
  }

  /** The file's record to write: resumed where its stored bytes can be, else started over, saying why. */
  async #record(f: StoreFile): Promise<{ rec: FileRecord; restarted?: string }> {
    const existing = await findRecord(this.deps.records, f);
    let restarted: string | undefined;
    if (existing) {
      const have = await this.deps.storage.size(existing.key);
      if (!existing.complete && have <= f.bytes) return { rec: existing };
      await this.#evict(existing);
      // Complete here means status() found it the wrong length (it would be cached otherwise).
      if (have > 0) {
        restarted = existing.complete ? `The stored ${f.name} was ${mb(have)}, not ${mb(f.bytes)}` : `The stored part of ${f.name} (${mb(have)}) is more than its ${mb(f.bytes)}`;
        restarted += ': discarded, downloading it from the start';
      }
    }
    const id = recordId(f.url, f.bytes);
    const rec: FileRecord = { url: f.url, id, key: await keyOf(id), bytes: f.bytes, complete: false, savedAt: Date.now() };
    await this.deps.records.set(rec);
    return { rec, restarted };
  }

  async #finish(f: StoreFile, rec: FileRecord, onHashed: (bytes: number) => void): Promise<void> {
    const found = await sha256OfChunks(this.deps.storage.chunks(rec.key), onHashed);
    if (f.sha256 && found !== f.sha256.toLowerCase()) {
      await this.#evict(rec);
      throw new ModelFileError(`${f.name} downloaded from ${f.url} has sha256 ${found.slice(0, 12)}…, the manifest expects ${f.sha256.slice(0, 12)}…: a different or corrupt file (removed)`);
    }
    await this.deps.records.set({ ...rec, complete: true, sha256: found, shaSource: f.sha256 ? 'manifest' : 'first-download', savedAt: Date.now() });
  }

  async #evict(rec: FileRecord): Promise<void> {
    await this.deps.storage.delete(rec.key);
    await this.deps.records.delete(recordKey(rec));
  }
}
