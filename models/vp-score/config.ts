// Sizes of the tiny VP-Score models. The I/O contract (224×224 image, 35 token slots, BERT vocab
// with [DEC]/[ENC]) is fixed by the real ImageReward export; everything else is shrunk so a model
// is a few MB and builds in well under a second.

import { VP_IMAGE_SIZE, VP_MAX_LENGTH } from '../../src/lib/engine/kinds/vp-score/manifest.ts';
import { PATCH, TEXT_LN_EPS, VISION_LN_EPS } from '../../src/lib/engine/kinds/vp-score/graph/vp-weights.ts';

export { PATCH, TEXT_LN_EPS, VISION_LN_EPS };
export const IMAGE_SIZE = VP_IMAGE_SIZE;
export const GRID = IMAGE_SIZE / PATCH; // 14
/** 14×14 patches plus the prepended [CLS] token, as in BLIP's ViT. */
export const IMAGE_TOKENS = GRID * GRID + 1; // 197
/** bert-base-uncased (30522) plus BLIP's added [DEC]=30522 and [ENC]=30523. */
export const VOCAB_SIZE = 30524;
export const MAX_LENGTH = VP_MAX_LENGTH;
/** CLIP normalisation the app applies before the graph (ImageReward's preprocessing). */
export const PIXEL_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const PIXEL_STD = [0.26862954, 0.26130258, 0.27577711] as const;

export interface VpConfig {
  id: string;
  name: string;
  seed: number;
  visionWidth: number;
  visionHeads: number;
  visionLayers: number;
  visionMlp: number;
  textWidth: number;
  textHeads: number;
  textLayers: number;
  textFfn: number;
  /** Width of the factorised word-embedding table (see weights.ts). */
  embedDim: number;
  /** Hidden widths of the reward head between the text width and the final 1. */
  headWidths: number[];
  /**
   * Factor on the head's last layer. With plain 1/sqrt(fan_in) init the raw rewards of the
   * calibration set spread with std 0.46 (vp-tiny) and 3.9 (vp-tiny-wide); the gains below bring
   * both near 1, like ImageReward's std of 1.03, so the shown scores and raw rewards look alike.
   */
  headGain: number;
}

/** The built-in model: vision and text widths differ on purpose, so a transposed k/v projection
 * in the cross-attention cannot go unnoticed. */
export const VP_TINY: VpConfig = {
  id: 'vp-tiny',
  name: 'VP-Score tiny (random weights, for tests)',
  seed: 20240917,
  visionWidth: 48,
  visionHeads: 2,
  visionLayers: 2,
  visionMlp: 192,
  textWidth: 32,
  textHeads: 2,
  textLayers: 2,
  textFfn: 128,
  embedDim: 8,
  headWidths: [64, 16, 8, 4],
  headGain: 8,
};

/** A second, differently sized model, standing in for "the user's own model folder". */
export const VP_TINY_WIDE: VpConfig = {
  id: 'vp-tiny-wide',
  name: 'VP-Score tiny wide (random weights, for tests)',
  seed: 77031,
  visionWidth: 32,
  visionHeads: 2,
  visionLayers: 2,
  visionMlp: 128,
  textWidth: 64,
  textHeads: 4,
  textLayers: 3,
  textFfn: 128,
  embedDim: 12,
  headWidths: [64, 16, 8, 4],
  headGain: 1,
};
