// Which published checkpoint an imported family was made from, so "Get ImageReward" does not offer
// a second 1.79 GB download of a model the user already imported by hand. Known by the file's
// sha256 only: a name says nothing (any fine-tune may be called ImageReward.pt) and a fine-tune
// has exactly the original's size. Hashing the picked file costs a pass over it, so it is done only
// when its size is that of a checkpoint the page offers; the result is a small document kept next
// to the family's manifest (and deleted with it, family-store.ts).
import { MANIFEST_FILE } from '../model-files/manifest-file.ts';
import type { ByteSource } from '../store/byte-source.ts';
import type { ModelStore } from '../store/model-store.ts';
import { sha256OfChunks } from '../store/sha256.ts';
import { IMPORT_ORIGIN, importSourceUrl } from './imported-url.ts';

/** A checkpoint the page offers (a manifest's `checkpoint` entry). */
export interface KnownCheckpoint {
  bytes: number;
  sha256: string;
}

const CHUNK = 16 << 20;

/** Records the source's sha256 when it is one of the known checkpoints; says which, or null. */
export async function recordSource(store: ModelStore, familyUrl: string, source: ByteSource, known: readonly KnownCheckpoint[] = []): Promise<string | null> {
  if (!known.some((k) => k.bytes === source.size)) return null;
  const sha256 = await sha256OfChunks((async function* () {
    for (let at = 0; at < source.size; at += CHUNK) yield await source.read(at, Math.min(CHUNK, source.size - at));
  })());
  if (!known.some((k) => k.sha256.toLowerCase() === sha256)) return null;
  await store.saveDocument(importSourceUrl(familyUrl), new TextEncoder().encode(JSON.stringify({ sha256 })));
  return sha256;
}

/** The imported family (still stored) made from the checkpoint with this sha256, or null. */
export async function importedFrom(store: ModelStore, sha256: string): Promise<string | null> {
  for (const url of await store.documents()) {
    if (!url.startsWith(IMPORT_ORIGIN) || !url.endsWith('/source.json')) continue;
    const text = await store.readDocument(url).catch(() => null);
    const recorded = text && (JSON.parse(new TextDecoder().decode(text)) as { sha256?: string }).sha256;
    const family = url.replace(/source\.json$/, MANIFEST_FILE);
    if (recorded === sha256.toLowerCase() && (await store.readDocument(family).catch(() => null))) return family;
  }
  return null;
}
