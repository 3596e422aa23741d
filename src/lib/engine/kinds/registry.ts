// The one table of model kinds: a manifest's `kind` → its row (role, manifest reader, plan, open).
// Adding a kind is one folder under kinds/ and one line here (docs/adding-a-model-kind.md).
import { ManifestError } from '../errors.ts';
import { MANIFEST_FILE, type ManifestRules } from '../model-files/manifest-file.ts';
import type { ReadFile } from '../model-files/read-file.ts';
import type { ModelKind, ModelRole } from './model-kind.ts';
import { SD_TURBO_KIND } from './sd-turbo/kind.ts';
import type { DiffusionManifest } from './sd-turbo/manifest.ts';
import { VP_SCORE_KIND } from './vp-score/kind.ts';
import type { VpScoreManifest } from './vp-score/manifest.ts';

export const MODEL_KINDS: readonly ModelKind[] = [VP_SCORE_KIND, SD_TURBO_KIND];

/** A manifest of any registered kind. */
export type ModelManifest = VpScoreManifest | DiffusionManifest;

const ROLE_NAMES: Record<ModelRole, string> = { judge: 'a judge (a reward model)', generator: 'an image generator' };

/** The row of `kind`; a kind not in the table is refused, naming the kinds known. */
export function kindRow(kind: unknown, source: string): ModelKind {
  const row = MODEL_KINDS.find((k) => k.kind === kind);
  if (!row) throw new ManifestError(`${source}: "kind" must be ${MODEL_KINDS.map((k) => `"${k.kind}"`).join(' or ')}, found ${JSON.stringify(kind)}`);
  return row;
}

/** The row of `m`'s kind, which must have `role`. */
export function rowWithRole<R extends ModelRole>(m: { kind: string }, role: R, source: string): Extract<ModelKind, { role: R }> {
  const row = kindRow(m.kind, source);
  if (row.role !== role) throw new ManifestError(`${source} is ${ROLE_NAMES[row.role]} of kind "${row.kind}", not ${ROLE_NAMES[role]}`);
  return row as Extract<ModelKind, { role: R }>;
}

export function parseManifest(text: string, source: string, rules: ManifestRules = {}): ModelManifest {
  let kind: unknown;
  try {
    kind = (JSON.parse(text) as { kind?: unknown })?.kind;
  } catch (e) {
    throw new ManifestError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  return kindRow(kind, source).parse(text, source, rules) as ModelManifest;
}

/** A folder's preflens.json, of whatever kind it is. */
export async function readManifest(read: ReadFile, origin: string): Promise<ModelManifest> {
  return parseManifest(new TextDecoder().decode(await read(MANIFEST_FILE)), `${origin}/${MANIFEST_FILE}`);
}
