// mean/std for the manifest. The real ImageReward ships the mean and std of its raw rewards over
// its own data so that shown scores, (reward - mean) / std, sit around 0 with unit spread. The tiny
// models get the same treatment on a fixed synthetic set: the 16 patterned images × the 4
// calibration prompts, scored with the float64 reference (not ORT, so the build needs no runtime).
import { IMAGE_SIZE, MAX_LENGTH, type VpConfig } from './config.ts';
import { referenceText, referenceVision } from './reference.ts';
import { CALIBRATION_PROMPTS, encodePrompts, PATTERNS, syntheticPixels } from './synthetic.ts';
import type { VpWeights } from './weights.ts';

export interface Calibration {
  mean: number;
  std: number;
  /** Raw rewards, [image][prompt], kept for the build log and tests. */
  rewards: number[][];
}

export function calibrate(w: VpWeights, cfg: VpConfig, tokenizerJson: object): Calibration {
  const { ids, mask } = encodePrompts(tokenizerJson, CALIBRATION_PROMPTS);
  const pixels = syntheticPixels(PATTERNS.map((_, i) => i));
  const plane = 3 * IMAGE_SIZE * IMAGE_SIZE;
  const rewards = PATTERNS.map((_, i) => {
    // The image tokens do not depend on the prompt: encode each image once.
    const image = referenceVision(w, cfg, pixels, i * plane);
    return CALIBRATION_PROMPTS.map((_, p) => {
      const slot = (a: BigInt64Array) => a.subarray(p * MAX_LENGTH, (p + 1) * MAX_LENGTH);
      return referenceText(w, cfg, image, slot(ids), slot(mask));
    });
  });
  const all = rewards.flat();
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
  return { mean, std, rewards };
}
