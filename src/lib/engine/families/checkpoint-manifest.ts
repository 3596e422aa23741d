// A published reward-model checkpoint the app can fetch and import by itself ("Get ImageReward"):
// the checkpoint in ImageReward's format and the BERT vocabulary it needs, each pinned by URL
// (a fixed revision), size and sha256, plus what the state dict does not say (normalisation, heads).
// The app ships ImageReward's as manifests/imagereward.json; the import makes a family of it under
// its `id`, like a checkpoint the user picks.
import { ManifestError } from '../errors.ts';
import type { StoreFile } from '../store/model-store.ts';
import { checkFileEntry, type Fail, type FileEntry } from '../model-files/file-entry.ts';

export interface CheckpointManifest {
  kind: 'vp-score-checkpoint';
  /** The imported family's id (its URL is importedFamilyUrl(id)). */
  id: string;
  name: string;
  licence: string;
  /** The model card, for the user to read before downloading. */
  homepage: string;
  checkpoint: FileEntry & { bytes: number; sha256: string };
  vocab: FileEntry & { bytes: number; sha256: string };
  /** Score normalisation; ImageReward's when absent. */
  mean?: number;
  std?: number;
  /** Both or neither (then ImageReward's). */
  visionHeads?: number;
  textHeads?: number;
}

const FIELDS = ['kind', 'id', 'name', 'licence', 'homepage', 'checkpoint', 'vocab', 'mean', 'std', 'visionHeads', 'textHeads'];

export function parseCheckpointManifest(text: string, source: string): CheckpointManifest {
  const fail: Fail = (what) => {
    throw new ManifestError(`${source}: ${what}`);
  };
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail('not a JSON object');
  if (m.kind !== 'vp-score-checkpoint') fail(`"kind" must be "vp-score-checkpoint", found ${JSON.stringify(m.kind)}`);
  for (const k of Object.keys(m)) if (!FIELDS.includes(k)) fail(`unknown field "${k}"`);
  if (typeof m.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,47}$/.test(m.id)) fail('"id" must be lowercase letters, digits and "-" (at most 48)');
  for (const k of ['name', 'licence', 'homepage']) if (typeof m[k] !== 'string' || !(m[k] as string).trim()) fail(`"${k}" must be a non-empty string`);
  for (const k of ['checkpoint', 'vocab']) {
    const f = checkFileEntry(m[k], k, fail, true);
    if (!/^(https|http):/.test(f.file)) fail(`"${k}.file" must be an absolute URL`);
    if (!f.sha256) fail(`"${k}.sha256" is missing: a checkpoint fetched by the app is always checked`);
    if (f.data) fail(`"${k}.data" is not allowed`);
  }
  if ('mean' in m && !Number.isFinite(m.mean)) fail('"mean" must be a number');
  if ('std' in m && !(Number.isFinite(m.std) && (m.std as number) > 0)) fail('"std" must be a number above 0');
  for (const k of ['visionHeads', 'textHeads']) {
    if (k in m && !(Number.isInteger(m[k]) && (m[k] as number) > 0)) fail(`"${k}" must be a whole number above 0`);
  }
  if (('visionHeads' in m) !== ('textHeads' in m)) fail('"visionHeads" and "textHeads" go together (ImageReward\'s 16 and 12 when both are absent)');
  return m as unknown as CheckpointManifest;
}

/** The two files to download, named as the user knows them (the URL's last segment). */
export function checkpointFiles(m: CheckpointManifest): { checkpoint: StoreFile; vocab: StoreFile } {
  const file = (f: FileEntry & { bytes: number }): StoreFile => ({
    url: f.file, name: decodeURIComponent(new URL(f.file).pathname.split('/').pop() || f.file), bytes: f.bytes, sha256: f.sha256,
  });
  return { checkpoint: file(m.checkpoint), vocab: file(m.vocab) };
}
