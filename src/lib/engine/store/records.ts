// What the store knows about each file it holds: the expected length, the sha256 it was verified
// against (the manifest's, or the one recorded on first download when the manifest has none), and
// whether the download finished. Keyed by URL and length (recordId): manifests that agree on a
// file share one stored copy, counted once; two that give one URL different lengths keep one each,
// so neither resumes, counts or replaces the other's bytes. A document (a family's manifest, length
// unknown until fetched) and a record from before lengths were in the key are keyed by URL alone.
// IndexedDB (idb-keyval) in the browser, a Map in Node.
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';

export interface FileRecord {
  url: string;
  /** The record's key: recordId(url, bytes); absent for documents and older records (the URL). */
  id?: string;
  /** Storage key (storage-key.ts: from the record key, as OPFS names cannot hold '/'). */
  key: string;
  bytes: number;
  complete: boolean;
  /** Set once complete: verified against the manifest, or recorded on first download. */
  sha256?: string;
  shaSource?: 'manifest' | 'first-download';
  /** A family's manifest (saveDocument), kept whole so the family opens offline. */
  document?: true;
  savedAt: number;
}

export interface RecordStore {
  /** By record key (recordKey). */
  get(key: string): Promise<FileRecord | undefined>;
  set(record: FileRecord): Promise<void>;
  delete(key: string): Promise<void>;
  all(): Promise<FileRecord[]>;
}

export const recordId = (url: string, bytes: number) => `${url}#${bytes}`;
export const recordKey = (r: FileRecord) => r.id ?? r.url;

/** The record of the file at `url` with this length: its own, or one kept by URL alone (a document, or an older record of this length). */
export async function findRecord(records: RecordStore, f: { url: string; bytes: number }): Promise<FileRecord | undefined> {
  const own = await records.get(recordId(f.url, f.bytes));
  if (own) return own;
  const old = await records.get(f.url);
  return old && (old.document || old.bytes === f.bytes) ? old : undefined;
}

export class MemoryRecords implements RecordStore {
  readonly map = new Map<string, FileRecord>();
  async get(key: string) {
    const r = this.map.get(key);
    return r && { ...r };
  }
  async set(r: FileRecord) {
    this.map.set(recordKey(r), { ...r });
  }
  async delete(key: string) {
    this.map.delete(key);
  }
  async all() {
    return [...this.map.values()].map((r) => ({ ...r }));
  }
}

export class IdbRecords implements RecordStore {
  #db: UseStore = createStore('preflens-models', 'files');
  get(key: string) {
    return get<FileRecord>(key, this.#db);
  }
  set(r: FileRecord) {
    return set(recordKey(r), r, this.#db);
  }
  delete(key: string) {
    return del(key, this.#db);
  }
  async all() {
    return (await entries<string, FileRecord>(this.#db)).map(([, r]) => r);
  }
}
