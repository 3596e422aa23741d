// A model family the app downloads: its manifest (VP-Score or SD-Turbo layout) fetched from a URL,
// the dtype variant chosen for this device, and the files of that variant with resolved URLs and
// sizes — what the model store downloads, verifies and later reads back offline.
import type { EpName } from '../runtime/backend-choice.ts';
import { GRAPHS, chooseVariant, parseDiffusionManifest, tokenizerEntry, type DiffusionManifest } from './diffusion-manifest.ts';
import { ManifestError } from '../errors.ts';
import { familyBase, isUrl, withData, type FileEntry } from './file-entry.ts';
import { biggestGraph, noF16Statement, wasmStatement } from './device-fit.ts';
import { parseVpManifest, vpDtypes, vpModelEntry, vpTokenizerEntry, type VpScoreManifest } from './vp-score-manifest.ts';
import type { StoreFile } from '../store/model-store.ts';
import { chooseVpDtype } from './vp-score-dtype.ts';

export type FamilyManifest = VpScoreManifest | DiffusionManifest;

export interface FamilyPlan {
  manifestUrl: string;
  /** What the manifest's relative paths are resolved against. */
  baseUrl: string;
  kind: FamilyManifest['kind'];
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
  let kind: unknown;
  try {
    kind = (JSON.parse(text) as { kind?: unknown })?.kind;
  } catch (e) {
    throw new ManifestError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  if (kind === 'vp-score') return parseVpManifest(text, source, { remote: true });
  if (kind === 'sd-turbo') return parseDiffusionManifest(text, source, { remote: true });
  throw new ManifestError(`${source}: "kind" must be "vp-score" or "sd-turbo", found ${JSON.stringify(kind)}`);
}

export function planFamily(m: FamilyManifest, manifestUrl: string, ep: EpName, shaderF16: boolean, forced?: string): FamilyPlan {
  const entries: { graph: FileEntry[]; all: FileEntry[] } = { graph: [], all: [] };
  let variant: string;
  let variants: string[];
  /** An fp16-only family on a WebGPU adapter without shader-f16: planned, to be shown, but not runnable. */
  let noF16 = false;
  if (m.kind === 'vp-score') {
    variants = vpDtypes(m);
    variant = chooseVpDtype(m, ep, shaderF16, forced as never);
    entries.graph = [vpModelEntry(m, variant as never)];
    entries.all = [...withData(entries.graph[0]), vpTokenizerEntry(m)];
  } else {
    variants = Object.keys(m.variants);
    noF16 = !forced && ep === 'webgpu' && !shaderF16 && !m.variants.fp32 && !m.variants.q8;
    variant = noF16 ? 'fp16' : chooseVariant(m, ep, shaderF16, forced as never);
    entries.graph = GRAPHS.map((g) => m.variants[variant as 'fp32']![g]);
    // The fast preview decoder (a few MB) comes with the family: switching to it needs no request.
    entries.all = [...entries.graph.flatMap(withData), ...(m.previewDecoder ? withData(m.previewDecoder.graph) : []), tokenizerEntry(m)];
  }
  const baseUrl = familyBase(m, manifestUrl);
  const files = entries.all.map((e) => storeFile(e, baseUrl));
  const pd = m.kind === 'sd-turbo' ? m.previewDecoder : undefined;
  const pf = pd && storeFile(pd.graph, baseUrl);
  const preview = pd && pf && { kind: pd.kind, bytes: pf.bytes, url: pf.url };
  // One plain statement of what this device can do with the family, and what it would need.
  const biggest = biggestGraph(entries.graph);
  const warning = noF16 ? noF16Statement(biggest) : ep === 'wasm' ? wasmStatement(biggest, variant) : undefined;
  return {
    manifestUrl, baseUrl, kind: m.kind, id: m.id, name: m.name, variant, variants, files,
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
