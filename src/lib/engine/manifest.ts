// preflens.json: what a VP-Score model folder promises. Validated strictly: an unknown field or a
// wrong type is an error naming the field, so a typo never silently falls back to a default.
import { ManifestError } from './errors.ts';

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
  files: { model: string; tokenizer: string };
  /** Optional facts about the graph. `modelBytes` (the model file's length) is checked on load. */
  sizes?: Record<string, number>;
  sha256?: Record<string, string>;
}

export const MANIFEST_FILE = 'preflens.json';
export const VP_MAX_LENGTH = 35;
export const VP_IMAGE_SIZE = 224;

const REQUIRED = ['kind', 'id', 'name', 'mean', 'std', 'maxLength', 'imageSize', 'files'] as const;
const OPTIONAL = ['sizes', 'sha256'] as const;

export function parseManifest(text: string, source = MANIFEST_FILE): VpScoreManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  return validateManifest(raw, source);
}

export function validateManifest(raw: unknown, source = MANIFEST_FILE): VpScoreManifest {
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
  for (const k of Object.keys(files)) if (k !== 'model' && k !== 'tokenizer') fail(`unknown field "files.${k}"`);
  for (const k of ['model', 'tokenizer'] as const) {
    const f = files[k];
    if (typeof f !== 'string' || !f || f.includes('/') || f.includes('\\')) {
      fail(`"files.${k}" must be a file name inside the model folder`);
    }
  }
  for (const k of OPTIONAL) {
    if (k in m && (typeof m[k] !== 'object' || m[k] === null || Array.isArray(m[k]))) fail(`"${k}" must be an object`);
  }
  return m as unknown as VpScoreManifest;
}
