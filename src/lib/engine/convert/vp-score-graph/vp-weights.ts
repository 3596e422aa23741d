// The VP-Score graph's weights, one typed structure: filled from seeded random numbers for the test
// models (models/vp-score/weights.ts) or from a real checkpoint (checkpoint-weights.ts), and read
// by the graph writer (vp-score-graph.ts). Linear weights are stored [in, out], as MatMul wants.
import type { Tensor } from '../graph-builder.ts';

export type { Tensor };

/** BLIP's ViT LayerNorm epsilon and BERT's. */
export const VISION_LN_EPS = 1e-6;
export const TEXT_LN_EPS = 1e-12;
/** BLIP's ViT patch side; the 224×224 image gives a 14×14 grid. */
export const PATCH = 16;

/** y = x·w + b with w stored [in, out], the layout MatMul wants. */
export interface Linear {
  w: Tensor;
  b: Tensor;
}

export interface LayerNormW {
  gamma: Tensor;
  beta: Tensor;
}

/** q/k/v/o projections; k and v take `kvIn` features (vision width in the cross-attention). */
export interface AttentionW {
  q: Linear;
  k: Linear;
  v: Linear;
  o: Linear;
}

export interface VisionBlockW {
  ln1: LayerNormW;
  attn: AttentionW;
  ln2: LayerNormW;
  fc1: Linear;
  fc2: Linear;
}

export interface VisionW {
  /** Conv weight [width, 3, 16, 16] and bias [width]. */
  patchW: Tensor;
  patchB: Tensor;
  cls: Tensor; // [width]
  pos: Tensor; // [197, width]
  blocks: VisionBlockW[];
  lnFinal: LayerNormW;
}

export interface TextLayerW {
  self: AttentionW;
  selfLn: LayerNormW;
  cross: AttentionW;
  crossLn: LayerNormW;
  fc1: Linear;
  fc2: Linear;
  ffnLn: LayerNormW;
}

export interface TextW {
  /** The word table [vocab, width], or (test models) [vocab, k] factorised with `wordUp` [k, width]. */
  wordEmb: Tensor;
  /**
   * Test models only: the real model's [30524, 768] word table is 94 MB, so the tiny ones store a
   * [30524, k] table times a [k, width] projection; the product is the effective embedding matrix.
   */
  wordUp?: Tensor;
  pos: Tensor; // [35, width]: only the slots the contract can use
  /** Test models only: a token-type-0 row (BLIP's BERT embeddings have no token types). */
  tokenType?: Tensor;
  embLn: LayerNormW;
  layers: TextLayerW[];
}

export interface VpWeights {
  vision: VisionW;
  text: TextW;
  /** Linear layers text width → … → 1 with nothing between them, as in ImageReward's MLP. */
  head: Linear[];
}

