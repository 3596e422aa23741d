// From an opened source to a ready judge or generator: read the manifest (unless the store already
// has it), ask the registry for its kind's row, pick the variant for this device, and let the kind
// read its files, open the onnxruntime sessions and check their contracts.
import { ManifestError } from '../errors.ts';
import type { Device } from '../runtime/backend-choice.ts';
import { biggestGraph, noF16Statement } from '../model-files/device-fit.ts';
import type { Generator } from '../generate/generator.ts';
import type { KindManifest, ModelKind, OpenedJudge, OpenOptions } from '../kinds/model-kind.ts';
import { readManifest, rowWithRole } from '../kinds/registry.ts';
import type { OpenedSource } from './model-source.ts';

/** The variant to open: the store's plan for this device, else the kind's own choice. Never one that cannot run here. */
function variantOf(row: ModelKind, m: KindManifest, src: OpenedSource, d: Device, forced?: string): string {
  const p = row.plan(m, d, src.variant ?? forced);
  if (p.noF16) throw new ManifestError(`${m.id}: ${noF16Statement(biggestGraph(p.graphs))}`);
  return p.variant;
}

export async function openJudge(src: OpenedSource, d: Device, forced?: string): Promise<OpenedJudge> {
  const m = src.manifest ?? (await readManifest(src.read, src.origin));
  const row = rowWithRole(m, 'judge', src.origin);
  return row.open(src.read, src.origin, m, variantOf(row, m, src, d, forced), d);
}

export async function openGenerator(src: OpenedSource, d: Device, forced?: string, opts?: OpenOptions): Promise<Generator> {
  const m = src.manifest ?? (await readManifest(src.read, src.origin));
  const row = rowWithRole(m, 'generator', src.origin);
  return row.open(src.read, src.origin, m, variantOf(row, m, src, d, forced), d, opts);
}
