// A checkpoint imported into the model store: the streamed import (kinds/vp-score/import/import-folder.ts)
// writes its files straight into the store under a local family URL, so the imported model is a
// family like any downloaded one: listed, chosen per device, used offline, deleted. A failed or
// cancelled import removes every file it wrote; other families are never touched.
import { MANIFEST_FILE } from '../model-files/manifest-file.ts';
import { blobSource, type ByteSource } from '../store/byte-source.ts';
import { importCheckpoint, type ImportProgress, type ImportSink } from '../kinds/vp-score/import/import-folder.ts';
import type { Scratch } from '../store/scratch.ts';
import { StorageQuotaError } from '../errors.ts';
import { isQuotaError } from '../store/file-storage.ts';
import type { ModelStore, StoreFile } from '../store/model-store.ts';
import { importedFamilyUrl } from './imported-url.ts';
import { recordSource, type KnownCheckpoint } from './import-source.ts';
import { type VpDtype, type VpScoreManifest } from '../kinds/vp-score/manifest.ts';


export interface ImportRequest {
  /**
   * The checkpoint (.pt or .safetensors): a File the user picked or a downloaded one (read with
   * FileReaderSync in the worker), or, in-thread only (Node), a ByteSource that reads synchronously.
   */
  checkpoint: Blob | ByteSource;
  checkpointName: string;
  /** bert-base-uncased's vocab.txt (or the checkpoint's own). */
  vocab: { text: string; name: string };
  name: string;
  /** The family id; by default made from the name. Taken ids get -2, -3…. */
  id?: string;
  /** Score normalisation (ImageReward's when absent; a VP-Score checkpoint brings its own). */
  mean?: number;
  std?: number;
  heads?: { vision: number; text: number };
  /** Checkpoints the page offers: a file of one's size is hashed, and recorded when it is that one (import-source.ts). */
  recognise?: KnownCheckpoint[];
}

export interface ImportedFamily {
  url: string;
  manifest: VpScoreManifest;
  /** Checkpoint keys left out as unused by score(). */
  dropped: string[];
}


export async function importFamily(store: ModelStore, req: ImportRequest, o: {
  dtypes: VpDtype[];
  scratch: () => Promise<Scratch>;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
}): Promise<ImportedFamily> {
  const id = await freeId(store, req.id ?? slug(req.name));
  const url = importedFamilyUrl(id);
  const written: StoreFile[] = [];
  const sink: ImportSink = {
    async write(name, file) {
      const f: StoreFile = { url: name === MANIFEST_FILE ? url : new URL(name, url).href, name, bytes: file.bytes };
      written.push(f);
      if (name !== MANIFEST_FILE) return store.writeFile(f, file.chunks());
      await store.saveDocument(url, [...file.chunks()][0]);
      return '';
    },
    scratch: o.scratch,
  };
  try {
    const source = req.checkpoint instanceof Blob ? blobSource(req.checkpoint, req.checkpointName) : req.checkpoint;
    const folder = await importCheckpoint(source, req.vocab, sink, {
      id, name: req.name, mean: req.mean, std: req.std, heads: req.heads, dtypes: o.dtypes, signal: o.signal, onProgress: o.onProgress,
    });
    await recordSource(store, url, source, req.recognise);
    return { url, manifest: folder.manifest, dropped: folder.dropped };
  } catch (e) {
    await store.delete(written);
    if (isQuotaError(e)) throw new StorageQuotaError(`Storage is full: the import of ${req.checkpointName} stopped and what it wrote was removed; other cached models are untouched. Free space (delete a model) and try again.`);
    throw e;
  }
}

/** A family id from the name the user gave ("My VP-Score" → "my-vp-score"). */
export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'imported';
}

/** The id, or id-2, id-3…: a second import of the same name never overwrites the first. */
async function freeId(store: ModelStore, id: string): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? id : `${id}-${i}`;
    if (!(await store.readDocument(importedFamilyUrl(candidate)).catch(() => null))) return candidate;
  }
}
