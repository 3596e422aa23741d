// The VP-Score graph's weights, one typed structure: filled from seeded random numbers for the test
// models (models/vp-score/weights.ts) or from a real checkpoint (checkpoint-weights.ts), and read
// by the graph writer (vp-score-graph.ts). Linear weights are stored [in, out], as MatMul wants.
// `W` is the tensor type: data in memory (Tensor, the default), or read when written (Weight, the
// streamed import's LazyTensor among them).
import type { Tensor, Weight } from '../../../convert/graph-builder.ts';

export type { Tensor, Weight };

/** BLIP's ViT LayerNorm epsilon and BERT's. */
export const VISION_LN_EPS = 1e-6;
export const TEXT_LN_EPS = 1e-12;
/** BLIP's ViT patch side; the 224×224 image gives a 14×14 grid. */
export const PATCH = 16;

/** y = x·w + b with w stored [in, out], the layout MatMul wants. */
export interface Linear<W extends Weight = Tensor> {
  w: W;
  b: W;
}

export interface LayerNormW<W extends Weight = Tensor> {
  gamma: W;
  beta: W;
}

/** q/k/v/o projections; k and v take `kvIn` features (vision width in the cross-attention). */
export interface AttentionW<W extends Weight = Tensor> {
  q: Linear<W>;
  k: Linear<W>;
  v: Linear<W>;
  o: Linear<W>;
}

export interface VisionBlockW<W extends Weight = Tensor> {
  ln1: LayerNormW<W>;
  attn: AttentionW<W>;
  ln2: LayerNormW<W>;
  fc1: Linear<W>;
  fc2: Linear<W>;
}

export interface VisionW<W extends Weight = Tensor> {
  /** Conv weight [width, 3, 16, 16] and bias [width]. */
  patchW: W;
  patchB: W;
  cls: W; // [width]
  pos: W; // [197, width]
  blocks: VisionBlockW<W>[];
  lnFinal: LayerNormW<W>;
}

export interface TextLayerW<W extends Weight = Tensor> {
  self: AttentionW<W>;
  selfLn: LayerNormW<W>;
  cross: AttentionW<W>;
  crossLn: LayerNormW<W>;
  fc1: Linear<W>;
  fc2: Linear<W>;
  ffnLn: LayerNormW<W>;
}

export interface TextW<W extends Weight = Tensor> {
  /** The word table [vocab, width], or (test models) [vocab, k] factorised with `wordUp` [k, width]. */
  wordEmb: W;
  /**
   * Test models only: the real model's [30524, 768] word table is 94 MB, so the tiny ones store a
   * [30524, k] table times a [k, width] projection; the product is the effective embedding matrix.
   */
  wordUp?: W;
  pos: W; // [35, width]: only the slots the contract can use
  /** Test models only: a token-type-0 row (BLIP's BERT embeddings have no token types). */
  tokenType?: W;
  embLn: LayerNormW<W>;
  layers: TextLayerW<W>[];
}

export interface VpWeights<W extends Weight = Tensor> {
  vision: VisionW<W>;
  text: TextW<W>;
  /** Linear layers text width → … → 1 with nothing between them, as in ImageReward's MLP. */
  head: Linear<W>[];
}

