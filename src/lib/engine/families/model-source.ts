// Where a model comes from, turned into what the folder readers need: the built-in models over
// HTTP, a folder the user picked, a reader (Node, tests), or a family in the model store.
import type { DtypeVariant } from '../kinds/sd-turbo/manifest.ts';
import type { FamilyStore } from './family-store.ts';
import type { Device } from '../runtime/backend-choice.ts';
import { planFamily } from './family-plan.ts';
import { filesReader, httpReader, type ReadFile } from '../model-files/read-file.ts';
import type { DiffusionManifest } from '../kinds/sd-turbo/manifest.ts';
import type { VpDtype, VpScoreManifest } from '../kinds/vp-score/manifest.ts';

export type ModelSource =
  | { kind: 'url'; baseUrl: string }
  | { kind: 'files'; folderName: string; files: { name: string; path?: string; arrayBuffer(): Promise<ArrayBuffer> }[] }
  | { kind: 'reader'; origin: string; read: ReadFile }
  /** A downloaded family, read from the store (no request). */
  | { kind: 'store'; manifestUrl: string }
  /** A family read straight from its host into memory, not kept (when storage is full). */
  | { kind: 'remote'; manifestUrl: string };

export interface OpenedSource {
  read: ReadFile;
  origin: string;
  /** Set for store families: the stored manifest and the variant planned for this device. */
  manifest?: VpScoreManifest | DiffusionManifest;
  variant?: string;
}

export async function openSource(
  source: ModelSource,
  families: () => FamilyStore,
  device: Device,
  variant?: VpDtype | DtypeVariant,
): Promise<OpenedSource> {
  if (source.kind === 'url') return { read: httpReader(source.baseUrl), origin: source.baseUrl.replace(/\/$/, '') };
  if (source.kind === 'files') return { read: filesReader(source.files, source.folderName), origin: source.folderName };
  if (source.kind === 'reader') return { read: source.read, origin: source.origin };
  const store = families();
  const { manifest } = await store.manifest(source.manifestUrl);
  const plan = planFamily(manifest, source.manifestUrl, device.ep, device.shaderF16, variant);
  const read = source.kind === 'store' ? store.reader(plan) : httpReader(plan.baseUrl);
  return { read, origin: source.manifestUrl, manifest, variant: plan.variant };
}
