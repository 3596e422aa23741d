// preflens.json: what a VP-Score model folder promises. Validated strictly: an unknown field or a
// wrong type is an error naming the field, so a typo never silently falls back to a default.
import { ManifestError } from '../../errors.ts';
import { MANIFEST_FILE, type ManifestRules } from '../../model-files/manifest-file.ts';
import { checkBase, checkFileEntry, checkFilePath, type FileEntry } from '../../model-files/file-entry.ts';

export const VP_DTYPES = ['fp32', 'fp16', 'q8', 'q4', 'q4f16'] as const;
export type VpDtype = (typeof VP_DTYPES)[number];

export interface VpScoreManifest {
  kind: 'vp-score';
  /** Stable id, shown in the UI and written into results. */
  id: string;
  name: string;
  /** Score shown = (reward - mean) / std. */
  mean: number;
  std: number;
  /** Token slots including [CLS] and [SEP]; the contract fixes it at 35. */
  maxLength: number;
  /** Square input side; the contract fixes it at 224. */
  imageSize: number;
  /** `modelData`: the external weights of `model` (what import, convert and the exporter write). */
  files: { model: string; tokenizer: string; modelData?: string };
  /** dtype of `files.model` (fp32 unless a converter wrote it). */
  dtype?: VpDtype;
  /** More dtypes of the same model (the converter adds them), chosen per backend. */
  variants?: Partial<Record<VpDtype, FileEntry>>;
  /**
   * Facts about the graph. Lengths `modelBytes`, `modelDataBytes` and `tokenizerBytes` are checked
   * on load and required for a download.
   */
  sizes?: Record<string, number>;
  sha256?: Record<string, string>;
  /** Base URL the files are relative to (else the manifest's own URL). */
  base?: string;
}

/** preflens.json as every writer of it writes it (the exporter's layout: 2-space JSON, a final newline). */
export function manifestText(m: VpScoreManifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}
/**
 * The graph each dtype is written to by PrefLens (import, convert in place): the exporter's
 * model.onnx for fp32, model.<dtype>.onnx else; its weights go beside it (convert/external-data.ts).
 */
export const modelFileOf = (dtype: VpDtype): string => (dtype === 'fp32' ? 'model.onnx' : `model.${dtype}.onnx`);

export const VP_MAX_LENGTH = 35;
export const VP_IMAGE_SIZE = 224;

const REQUIRED = ['kind', 'id', 'name', 'mean', 'std', 'maxLength', 'imageSize', 'files'] as const;
const OPTIONAL = ['sizes', 'sha256', 'dtype', 'variants', 'base'] as const;

export function parseVpManifest(text: string, source = MANIFEST_FILE, rules: ManifestRules = {}): VpScoreManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  return validateVpManifest(raw, source, rules);
}

export function validateVpManifest(raw: unknown, source = MANIFEST_FILE, rules: ManifestRules = {}): VpScoreManifest {
  const fail = (what: string): never => {
    throw new ManifestError(`${source}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('must be a JSON object');
  const m = raw as Record<string, unknown>;
  const known = new Set<string>([...REQUIRED, ...OPTIONAL]);
  for (const k of Object.keys(m)) if (!known.has(k)) fail(`unknown field "${k}"`);
  for (const k of REQUIRED) if (!(k in m)) fail(`missing field "${k}"`);
  if (m.kind !== 'vp-score') fail(`"kind" must be "vp-score", found ${JSON.stringify(m.kind)}`);
  for (const k of ['id', 'name'] as const) {
    if (typeof m[k] !== 'string' || !(m[k] as string).trim()) fail(`"${k}" must be a non-empty string`);
  }
  for (const k of ['mean', 'std', 'maxLength', 'imageSize'] as const) {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) fail(`"${k}" must be a finite number`);
  }
  if ((m.std as number) <= 0) fail(`"std" must be positive, found ${m.std}`);
  if (m.maxLength !== VP_MAX_LENGTH) fail(`"maxLength" must be ${VP_MAX_LENGTH} (the VP-Score contract), found ${m.maxLength}`);
  if (m.imageSize !== VP_IMAGE_SIZE) fail(`"imageSize" must be ${VP_IMAGE_SIZE} (the VP-Score contract), found ${m.imageSize}`);
  const files = m.files as Record<string, unknown>;
  if (typeof files !== 'object' || files === null) fail('"files" must be an object');
  for (const k of Object.keys(files)) if (!['model', 'tokenizer', 'modelData'].includes(k)) fail(`unknown field "files.${k}"`);
  for (const k of ['model', 'tokenizer'] as const) checkFilePath(files[k], `files.${k}`, fail);
  if ('modelData' in files) checkFilePath(files.modelData, 'files.modelData', fail);
  for (const k of ['sizes', 'sha256', 'variants'] as const) {
    if (k in m && (typeof m[k] !== 'object' || m[k] === null || Array.isArray(m[k]))) fail(`"${k}" must be an object`);
  }
  if ('base' in m) checkBase(m.base, fail);
  if ('dtype' in m && !(VP_DTYPES as readonly unknown[]).includes(m.dtype)) fail(`"dtype" must be one of ${VP_DTYPES.join(', ')}`);
  const manifest = m as unknown as VpScoreManifest;
  for (const [v, f] of Object.entries(manifest.variants ?? {})) {
    if (!(VP_DTYPES as readonly string[]).includes(v)) fail(`unknown variant "${v}" (expected one of ${VP_DTYPES.join(', ')})`);
    checkFileEntry(f, `variants.${v}`, fail, rules.remote);
  }
  // Every file as an entry, so lengths and hashes are checked the same way for all of them.
  for (const v of vpDtypes(manifest)) checkFileEntry(vpModelEntry(manifest, v), `model (${v})`, fail, rules.remote);
  checkFileEntry(vpTokenizerEntry(manifest), 'tokenizer', fail, rules.remote);
  return manifest;
}

/** The dtypes this manifest offers: the base model's and its variants'. */
export function vpDtypes(m: VpScoreManifest): VpDtype[] {
  return [...new Set([m.dtype ?? 'fp32', ...(Object.keys(m.variants ?? {}) as VpDtype[])])];
}

export function vpModelEntry(m: VpScoreManifest, dtype: VpDtype = m.dtype ?? 'fp32'): FileEntry {
  const variant = m.variants?.[dtype];
  if (variant) return variant;
  if (dtype !== (m.dtype ?? 'fp32')) throw new ManifestError(`${m.id} has no ${dtype} variant (it has ${vpDtypes(m).join(', ')})`);
  const entry: FileEntry = { file: m.files.model };
  if (m.sizes?.modelBytes !== undefined) entry.bytes = m.sizes.modelBytes;
  if (m.sha256?.model) entry.sha256 = m.sha256.model;
  if (m.files.modelData) {
    entry.data = { file: m.files.modelData };
    if (m.sizes?.modelDataBytes !== undefined) entry.data.bytes = m.sizes.modelDataBytes;
    if (m.sha256?.modelData) entry.data.sha256 = m.sha256.modelData;
  }
  return entry;
}

export function vpTokenizerEntry(m: VpScoreManifest): FileEntry {
  const entry: FileEntry = { file: m.files.tokenizer };
  if (m.sizes?.tokenizerBytes !== undefined) entry.bytes = m.sizes.tokenizerBytes;
  if (m.sha256?.tokenizer) entry.sha256 = m.sha256.tokenizer;
  return entry;
}
