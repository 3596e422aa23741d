// What the store knows about each file it holds, keyed by URL: the expected length, the sha256 it
// was verified against (the manifest's, or the one recorded on first download when the manifest
// has none), and whether the download finished. IndexedDB (idb-keyval) in the browser, a Map in Node.
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';

export interface FileRecord {
  url: string;
  /** Storage key (sha256 of the URL: OPFS names cannot hold '/'). */
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
  get(url: string): Promise<FileRecord | undefined>;
  set(record: FileRecord): Promise<void>;
  delete(url: string): Promise<void>;
  all(): Promise<FileRecord[]>;
}

export class MemoryRecords implements RecordStore {
  readonly map = new Map<string, FileRecord>();
  async get(url: string) {
    const r = this.map.get(url);
    return r && { ...r };
  }
  async set(r: FileRecord) {
    this.map.set(r.url, { ...r });
  }
  async delete(url: string) {
    this.map.delete(url);
  }
  async all() {
    return [...this.map.values()].map((r) => ({ ...r }));
  }
}

export class IdbRecords implements RecordStore {
  #db: UseStore = createStore('preflens-models', 'files');
  get(url: string) {
    return get<FileRecord>(url, this.#db);
  }
  set(r: FileRecord) {
    return set(r.url, r, this.#db);
  }
  delete(url: string) {
    return del(url, this.#db);
  }
  async all() {
    return (await entries<string, FileRecord>(this.#db)).map(([, r]) => r);
  }
}
