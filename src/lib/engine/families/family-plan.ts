// A model family the app downloads: its manifest (of a kind in kinds/registry.ts) fetched from a URL,
// the dtype variant chosen for this device, and the files of that variant with resolved URLs and
// sizes — what the model store downloads, verifies and later reads back offline.
import type { EpName } from '../runtime/backend-choice.ts';
import { ManifestError } from '../errors.ts';
import { familyBase, isUrl, type FileEntry } from '../model-files/file-entry.ts';
import { biggestGraph, noF16Statement, wasmStatement } from '../model-files/device-fit.ts';
import { kindRow, parseManifest, type ModelManifest } from '../kinds/registry.ts';
import type { ModelRole } from '../kinds/model-kind.ts';
import type { StoreFile } from '../store/model-store.ts';

export type FamilyManifest = ModelManifest;

export interface FamilyPlan {
  manifestUrl: string;
  /** What the manifest's relative paths are resolved against. */
  baseUrl: string;
  kind: FamilyManifest['kind'];
  role: ModelRole;
  /** What the kind is, in words (the Models card's heading). */
  label: string;
  id: string;
  name: string;
  /** The dtype variant for this backend, and all the family has. */
  variant: string;
  variants: string[];
  files: StoreFile[];
  totalBytes: number;
  /** The family's fast preview decoder, when it has one (downloaded with it; chosen in Models). */
  preview?: { kind: string; bytes: number; url: string };
  /** Said before downloading: e.g. a graph too large for WASM memory. */
  warning?: string;
}

/** Parse with the download rules: every file's length must be known. */
export function parseFamily(text: string, source: string): FamilyManifest {
  return parseManifest(text, source, { remote: true });
}

export function planFamily(m: FamilyManifest, manifestUrl: string, ep: EpName, shaderF16: boolean, forced?: string): FamilyPlan {
  const row = kindRow(m.kind, manifestUrl);
  const p = row.plan(m, { ep, shaderF16 }, forced);
  const baseUrl = familyBase(m, manifestUrl);
  const files = p.files.map((e) => storeFile(e, baseUrl));
  const pf = p.preview && storeFile(p.preview.graph, baseUrl);
  const preview = p.preview && pf && { kind: p.preview.kind, bytes: pf.bytes, url: pf.url };
  // One plain statement of what this device can do with the family, and what it would need.
  const biggest = biggestGraph(p.graphs);
  const warning = p.noF16 ? noF16Statement(biggest) : ep === 'wasm' ? wasmStatement(biggest, p.variant) : undefined;
  return {
    manifestUrl, baseUrl, kind: m.kind, role: row.role, label: row.label, id: m.id, name: m.name, variant: p.variant, variants: row.variants(m), files,
    totalBytes: files.reduce((n, f) => n + f.bytes, 0),
    ...(preview ? { preview } : {}),
    ...(warning ? { warning } : {}),
  };
}

export function storeFile(e: FileEntry, baseUrl: string): StoreFile {
  if (e.bytes === undefined) throw new ManifestError(`${baseUrl}: "${e.file}" has no size`);
  // Named as the manifest names it; a file given by absolute URL by its last segment.
  const name = isUrl(e.file) ? e.file.split('/').pop()! : e.file;
  const f: StoreFile = { url: new URL(e.file, baseUrl).href, name, bytes: e.bytes };
  if (e.sha256) f.sha256 = e.sha256;
  return f;
}
