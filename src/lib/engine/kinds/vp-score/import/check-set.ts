// The fixed check set a conversion is judged on: deterministic synthetic images (made in memory, no
// files) and a few prompts, scored by the float32 model and the variant with the same VpScorer. The
// caller configures the runtime first (Engine.init or configureRuntime).
import type { EpName } from '../../../runtime/backend-choice.ts';
import type { RgbImage } from '../../../image/rgb-image.ts';
import type { ExternalData } from '../../../model-files/read-file.ts';
import type { VpScoreManifest } from '../manifest.ts';
import { VpScorer } from '../scorer.ts';
import { agreement, type Agreement } from '../../../convert/agreement.ts';

export const CHECK_PROMPTS = ['a red cat on a green sofa', 'three apples on a wooden table', 'a blue sky over the sea'];

type Px = (x: number, y: number) => [number, number, number];
const PATTERNS: Px[] = [
  (x, y) => [x, y, 128], // gradient
  (x) => ((x >> 4) % 2 ? [240, 30, 30] : [20, 20, 200]), // stripes
  (x, y) => (((x >> 5) + (y >> 5)) % 2 ? [255, 255, 255] : [0, 0, 0]), // checker
  (x, y) => [30, 160 + ((x + y) % 60), 40], // green texture
  (x, y) => { const d = Math.hypot(x - 112, y - 112); return [128 + 127 * Math.sin(d / 6), 90, 128 - 127 * Math.sin(d / 9)]; }, // rings
  (_x, y) => [120 + y / 3, 170 + y / 4, 250], // sky
  (x, y) => [(x * y) % 256, (x ^ y) & 255, 255 - x], // noise-like
  (x, y) => (y > 150 ? [90, 60, 30] : [200, 200, 210]), // horizon
];

/** `n` (≤ 8) deterministic 224×224 RGB images. */
export function syntheticImages(n = 8): RgbImage[] {
  return PATTERNS.slice(0, n).map((px) => {
    const data = new Uint8Array(224 * 224 * 3);
    for (let y = 0; y < 224; y++) for (let x = 0; x < 224; x++) data.set(px(x, y).map((v) => Math.max(0, Math.min(255, Math.round(v)))), (y * 224 + x) * 3);
    return { width: 224, height: 224, data };
  });
}

export interface LoadableFolder {
  manifest: VpScoreManifest;
  modelBytes: Uint8Array;
  externalData?: ExternalData[];
  tokenizerJson: unknown;
  origin: string;
}

/** scores[p][i] for prompt p, image i. */
export async function scoreCheckSet(folder: LoadableFolder, ep: EpName, prompts: readonly string[], images: readonly RgbImage[]): Promise<number[][]> {
  const scorer = await VpScorer.load(folder, ep);
  try {
    const out: number[][] = [];
    for (const p of prompts) {
      const row: number[] = [];
      for (const img of images) row.push((await scorer.scoreImage(p, img)).score);
      out.push(row);
    }
    return out;
  } finally {
    await scorer.release();
  }
}

export async function compareOnCheckSet(
  reference: LoadableFolder,
  variant: LoadableFolder,
  ep: EpName,
  prompts: readonly string[] = CHECK_PROMPTS,
  images: readonly RgbImage[] = syntheticImages(),
  refScores?: number[][],
): Promise<Agreement & { ref: number[][]; got: number[][] }> {
  const ref = refScores ?? (await scoreCheckSet(reference, ep, prompts, images));
  const got = await scoreCheckSet(variant, ep, prompts, images);
  return { ...agreement(ref, got), ref, got };
}
