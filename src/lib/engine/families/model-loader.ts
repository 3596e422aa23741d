// From an opened source to a ready scorer or generator: read the manifest (unless the store
// already has it), pick the dtype variant for this device, read and verify the files, open the
// onnxruntime sessions and check their contracts.
import { readDiffusionFolder, readDiffusionManifest } from './diffusion-folder.ts';
import { chooseVariant, type DecoderChoice, type DtypeVariant } from './diffusion-manifest.ts';
import { ManifestError } from '../errors.ts';
import type { Device } from './family-store.ts';
import type { VpDtype } from './vp-score-manifest.ts';
import { readVpScoreFolder, readVpManifest, type VpScoreFolder } from './vp-score-folder.ts';
import type { OpenedSource } from './model-source.ts';
import { SdGenerator } from '../generate/sd-turbo-pipeline.ts';
import { VpScorer } from '../score/vp-scorer.ts';
import { chooseVpDtype } from './vp-score-dtype.ts';

export async function openScorer(src: OpenedSource, d: Device, forced?: VpDtype): Promise<{ scorer: VpScorer; folder: VpScoreFolder }> {
  if (src.manifest && src.manifest.kind !== 'vp-score') throw new ManifestError(`${src.origin} is a ${src.manifest.kind} family, not a VP-Score model`);
  const manifest = src.manifest ?? (await readVpManifest(src.read, src.origin));
  const dtype = (src.variant as VpDtype | undefined) ?? chooseVpDtype(manifest, d.ep, d.shaderF16, forced);
  const folder = await readVpScoreFolder(src.read, src.origin, manifest, dtype);
  return { scorer: await VpScorer.load(folder, d.ep), folder };
}

export async function openGenerator(src: OpenedSource, d: Device, forced?: DtypeVariant, decoder?: DecoderChoice): Promise<SdGenerator> {
  if (src.manifest && src.manifest.kind !== 'sd-turbo') throw new ManifestError(`${src.origin} is a ${src.manifest.kind} model, not a diffusion family`);
  const manifest = src.manifest ?? (await readDiffusionManifest(src.read, src.origin));
  const variant = (src.variant as DtypeVariant | undefined) ?? chooseVariant(manifest, d.ep, d.shaderF16, forced);
  return SdGenerator.load(await readDiffusionFolder(src.read, src.origin, manifest, variant, decoder), d.ep);
}
