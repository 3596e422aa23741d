import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CancelledError, DownloadError, ModelFileError, StorageQuotaError } from '../../../src/lib/engine/errors.ts';
import { MemoryStorage } from '../../../src/lib/engine/store/memory-storage.ts';
import { ModelStore, type DownloadProgress, type StoreFile } from '../../../src/lib/engine/store/model-store.ts';
import { findRecord, MemoryRecords } from '../../../src/lib/engine/store/records.ts';
import { bytesOf, fakeServer, type FakeFile } from './fake-server.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const A = bytesOf(25_000, 1);
const B = bytesOf(12_345, 2);
const fileA: StoreFile = { url: 'https://host/m/a.onnx', name: 'a.onnx', bytes: A.byteLength, sha256: sha(A) };
const fileB: StoreFile = { url: 'https://host/m/b.json', name: 'b.json', bytes: B.byteLength };

function setup(files: Record<string, FakeFile>, opts: { quota?: number; estimate?: { usage: number; quota: number } } = {}) {
  const server = fakeServer(files);
  const storage = new MemoryStorage(opts.quota);
  const records = new MemoryRecords();
  const storageManager = opts.estimate ? { estimate: async () => opts.estimate!, persist: async () => true } : undefined;
  const store = new ModelStore({ storage, records, fetch: server.fetch, storageManager, backoffMs: 1 });
  return { server, storage, records, store };
}

describe('model store: download', () => {
  it('downloads with byte progress, verifies, and reads back what was served', async () => {
    const { store } = setup({ [fileA.url]: { bytes: A }, [fileB.url]: { bytes: B } });
    const seen: DownloadProgress[] = [];
    await store.download([fileA, fileB], { onProgress: (p) => seen.push(p) });
    expect(seen.at(-1)).toMatchObject({ loaded: A.byteLength + B.byteLength, total: A.byteLength + B.byteLength, file: 'b.json' });
    expect(seen.map((p) => p.loaded)).toEqual([...seen.map((p) => p.loaded)].sort((x, y) => x - y));
    expect(seen.some((p) => p.file === 'a.onnx' && p.fileLoaded > 0 && p.fileLoaded < A.byteLength)).toBe(true);
    expect((await store.status([fileA, fileB])).map((s) => s.state)).toEqual(['cached', 'cached']);
    expect(sha(await store.read(fileA))).toBe(sha(A));
    expect(sha(await store.read(fileB))).toBe(sha(B));
  });

  it('resumes a dropped connection with a Range request from the stored length', async () => {
    const { store, server } = setup({ [fileA.url]: { bytes: A, dropAfter: 9_000, drops: 2 } });
    await store.download([fileA]);
    expect(server.log.map((r) => r.range)).toEqual([null, 'bytes=9000-', 'bytes=18000-']);
    expect(sha(await store.read(fileA))).toBe(sha(A));
  });

  it('starts over when the server ignores Range', async () => {
    const { store, server } = setup({ [fileA.url]: { bytes: A, dropAfter: 5_000, drops: 1, ignoreRange: true } });
    await store.download([fileA]);
    expect(server.log.map((r) => r.range)).toEqual([null, 'bytes=5000-']);
    expect(sha(await store.read(fileA))).toBe(sha(A));
  });

  it('gives up after repeated drops with no progress, naming the file and keeping the bytes', async () => {
    const { store } = setup({ [fileA.url]: { bytes: A, dropAfter: 0, drops: 100 } });
    await expect(store.download([fileA])).rejects.toThrow(DownloadError);
    await expect(store.download([fileA])).rejects.toThrow(/a\.onnx: download stopped at 0 of 25000 bytes/);
  });

  it('a file whose sha256 is not the manifest\'s is named and removed', async () => {
    const wrong = bytesOf(A.byteLength, 9);
    const { store } = setup({ [fileA.url]: { bytes: wrong } });
    await expect(store.download([fileA])).rejects.toThrow(/a\.onnx downloaded from https:\/\/host\/m\/a\.onnx has sha256 .* the manifest expects/);
    expect((await store.status([fileA]))[0].state).toBe('missing');
  });

  it('a server sending a longer file than the manifest says is refused', async () => {
    const { store } = setup({ [fileB.url]: { bytes: bytesOf(B.byteLength + 10, 2) } });
    await expect(store.download([fileB])).rejects.toThrow(ModelFileError);
  });

  it('records the sha256 on first download when the manifest has none, and verifies it later', async () => {
    const { store, storage, records } = setup({ [fileB.url]: { bytes: B } });
    await store.download([fileB]);
    const rec = await findRecord(records, fileB);
    expect(rec).toMatchObject({ sha256: sha(B), shaSource: 'first-download', complete: true });
    storage.files.get(rec!.key)![100] ^= 0xff;
    await expect(store.read(fileB)).rejects.toThrow(/The cached b\.json is corrupt .* its first download says .* was removed/);
    expect((await store.status([fileB]))[0].state).toBe('missing');
  });

  it('as a Blob (what external data goes to onnxruntime as), a file is verified the same way, by streaming', async () => {
    const { store, storage, records } = setup({ [fileA.url]: { bytes: A }, [fileB.url]: { bytes: B } });
    await store.download([fileA, fileB]);
    const blob = await store.blob(fileA);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(A);
    const keyB = (await findRecord(records, fileB))!.key;
    storage.files.get(keyB)![100] ^= 0xff;
    await expect(store.blob(fileB)).rejects.toThrow(/The cached b\.json is corrupt .* its first download says .* was removed/);
    const keyA = (await findRecord(records, fileA))!.key;
    storage.files.set(keyA, storage.files.get(keyA)!.subarray(0, 1000));
    await expect(store.blob(fileA)).rejects.toThrow('The cached a.onnx is truncated (1000 of 25000 bytes) and was removed');
    expect(await findRecord(records, fileA)).toBeUndefined();
  });

  it('a truncated cached file is named and evicted', async () => {
    const { store, storage, records } = setup({ [fileA.url]: { bytes: A } });
    await store.download([fileA]);
    const key = (await findRecord(records, fileA))!.key;
    storage.files.set(key, storage.files.get(key)!.subarray(0, 1000));
    await expect(store.read(fileA)).rejects.toThrow('The cached a.onnx is truncated (1000 of 25000 bytes) and was removed');
    expect(await findRecord(records, fileA)).toBeUndefined();
  });

  it('cancel keeps the bytes and the next download resumes', async () => {
    const { store, server } = setup({ [fileA.url]: { bytes: A } });
    const abort = new AbortController();
    await expect(store.download([fileA], {
      signal: abort.signal,
      onProgress: (p) => p.fileLoaded >= 10_000 && abort.abort(),
    })).rejects.toThrow(CancelledError);
    const [s] = await store.status([fileA]);
    expect(s.state).toBe('partial');
    expect(s.present).toBe(10_000);
    await store.download([fileA]);
    expect(server.log.at(-1)!.range).toBe('bytes=10000-');
    expect(sha(await store.read(fileA))).toBe(sha(A));
  });
});

// A stored download that does not fit the manifest: never resumed into a file of another size, and
// the progress (bytes stored of the total) never above 100 %.
describe('model store: stored bytes that disagree with the manifest', () => {
  const loadedOf = (seen: DownloadProgress[]) => seen.map((p) => p.loaded);
  const cancelAt = (n: number) => {
    const abort = new AbortController();
    return { signal: abort.signal, onProgress: (p: DownloadProgress) => p.fileLoaded >= n && abort.abort() };
  };

  it('two manifests giving one URL two sizes keep a stored file each; ones that agree share one, counted once', async () => {
    const { store, server, storage } = setup({ [fileA.url]: { bytes: A } });
    const claimsMore: StoreFile = { url: fileA.url, name: 'a.onnx', bytes: A.byteLength + 5_000 };
    await expect(store.download([claimsMore], cancelAt(10_000))).rejects.toThrow(CancelledError);
    const seen: DownloadProgress[] = [];
    await store.download([fileA], { onProgress: (p) => seen.push(p) });
    expect(Math.max(...loadedOf(seen))).toBe(A.byteLength);
    expect(server.log.at(-1)!.range).toBeNull(); // its own file, from the start
    expect(seen.every((p) => p.restarted === undefined)).toBe(true);
    expect((await store.status([claimsMore, fileA])).map((s) => [s.state, s.present])).toEqual([['partial', 10_000], ['cached', A.byteLength]]);
    // Another family naming the same file: cached already, nothing fetched, stored once.
    const requests = server.log.length;
    const sameFile: StoreFile = { ...fileA, name: 'other-name.onnx' };
    expect((await store.status([sameFile]))[0].state).toBe('cached');
    await store.download([sameFile]);
    expect(server.log.length).toBe(requests);
    expect((await store.info()).storeBytes).toBe(A.byteLength + 10_000);
    expect(storage.files.size).toBe(2);
  });

  it('a stored copy of the wrong length is discarded (said so) and downloaded from the start, never past 100 %', async () => {
    const { store, server, storage, records } = setup({ [fileA.url]: { bytes: A } });
    await store.download([fileA]);
    const key = (await findRecord(records, fileA))!.key;
    storage.files.set(key, storage.files.get(key)!.subarray(0, 1_000)); // complete, but 1 kB on disk
    expect((await store.status([fileA]))[0]).toMatchObject({ state: 'partial', present: 1_000 });
    const seen: DownloadProgress[] = [];
    await store.download([fileA], { onProgress: (p) => seen.push(p) });
    expect(server.log.at(-1)!.range).toBeNull();
    expect(Math.max(...loadedOf(seen))).toBe(A.byteLength);
    expect(seen[0].restarted).toMatch(/^The stored a\.onnx was 1\.0 kB, not 25\.0 kB: discarded, downloading it from the start$/);
    expect(sha(await store.read(fileA))).toBe(sha(A));
  });

  it('a stored part longer than the file is not offered as partial, and is discarded (said so)', async () => {
    const { store, server, storage, records } = setup({ [fileA.url]: { bytes: A } });
    await expect(store.download([fileA], cancelAt(10_000))).rejects.toThrow(CancelledError);
    storage.files.set((await findRecord(records, fileA))!.key, bytesOf(A.byteLength + 3_000, 7));
    expect((await store.status([fileA]))[0]).toMatchObject({ state: 'missing', present: 0 });
    const seen: DownloadProgress[] = [];
    await store.download([fileA], { onProgress: (p) => seen.push(p) });
    expect(server.log.at(-1)!.range).toBeNull();
    expect(Math.max(...loadedOf(seen))).toBe(A.byteLength);
    expect(seen[0].restarted).toMatch(/^The stored part of a\.onnx \(28\.0 kB\) is more than its 25\.0 kB: discarded/);
    expect(sha(await store.read(fileA))).toBe(sha(A));
  });

  it('a server that ignores Range restarts the file from 0 (said so), not appending to the stored part', async () => {
    const { store, server } = setup({ [fileA.url]: { bytes: A, ignoreRange: true } });
    await expect(store.download([fileA], cancelAt(10_000))).rejects.toThrow(CancelledError);
    const seen: DownloadProgress[] = [];
    await store.download([fileA], { onProgress: (p) => seen.push(p) });
    expect(server.log.at(-1)!.range).toBe('bytes=10000-');
    expect(Math.max(...loadedOf(seen))).toBe(A.byteLength);
    expect(seen.at(-1)!.restarted).toMatch(/^The server did not resume a\.onnx \(it answered with the whole file\): downloading it from the start$/);
    expect(sha(await store.read(fileA))).toBe(sha(A));
  });
});

describe('model store: storage quota', () => {
  it('refuses before the first byte when the quota cannot hold the download', async () => {
    const { store, server } = setup({ [fileA.url]: { bytes: A } }, { estimate: { usage: 5_000, quota: 20_000 } });
    await expect(store.download([fileA])).rejects.toThrow('Not enough storage: this download needs 25.0 kB, the browser allows 15.0 kB more for this site');
    expect(server.log).toEqual([]);
  });

  it('quota exceeded mid-download removes only that file and says so', async () => {
    const { store } = setup({ [fileB.url]: { bytes: B }, [fileA.url]: { bytes: A } }, { quota: 30_000 });
    await store.download([fileB]);
    const err = await store.download([fileA]).catch((e) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect(err.message).toMatch(/Storage is full: a\.onnx stopped after .* and was removed; other cached models are untouched/);
    expect((await store.status([fileA, fileB])).map((s) => s.state)).toEqual(['missing', 'cached']);
    expect(sha(await store.read(fileB))).toBe(sha(B));
  });
});

describe('model store: the sha256 check after a download', () => {
  it('reports the bytes hashed of the file, from 0 to all of them, after its last byte arrived', async () => {
    // The check reads the stored file in chunks (16 MB in the app); here 10 kB, so a.onnx is three.
    const storage = new (class extends MemoryStorage {
      override chunks(key: string) { return super.chunks(key, 10_000); }
    })();
    const store = new ModelStore({ storage, records: new MemoryRecords(), fetch: fakeServer({ [fileA.url]: { bytes: A } }).fetch });
    const seen: DownloadProgress[] = [];
    await store.download([fileA], { onProgress: (p) => seen.push(p) });
    const first = seen.findIndex((p) => p.hashed !== undefined);
    expect(first).toBeGreaterThan(0);
    expect(seen.slice(0, first).every((p) => p.hashed === undefined)).toBe(true);
    const checks = seen.slice(first);
    expect(checks.every((p) => p.fileLoaded === A.byteLength && p.loaded === A.byteLength && p.file === 'a.onnx')).toBe(true);
    expect(checks.map((p) => p.hashed)).toEqual([0, 10_000, 20_000, 25_000]);
  });
});
