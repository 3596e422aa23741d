// Seeded random weights for the test models, in the graph's weight structure (vp-weights.ts), read
// by both the ONNX writer and the float64 reference (reference.ts), so the test compares the graph
// against the very numbers it stores.
import type { AttentionW, LayerNormW, Linear, Tensor, TextW, VisionW, VpWeights } from '../../src/lib/engine/kinds/vp-score/graph/vp-weights.ts';
import { Gaussian } from '../prng.ts';
import { IMAGE_TOKENS, MAX_LENGTH, PATCH, VOCAB_SIZE, type VpConfig } from './config.ts';

/** Weights are float32 because that is what the graph stores; the reference widens them. */
export type { AttentionW, LayerNormW, Linear, Tensor, TextW, VisionW, VpWeights };

const tensor = (shape: number[], data: Float32Array): Tensor => ({ shape, data });

/**
 * Draws every weight from one seeded stream in a fixed order. Scales follow the usual
 * 1/sqrt(fan_in) rule so activations stay O(1) through the blocks; LayerNorm gains sit near 1
 * and biases near 0, but not exactly, so a graph that dropped one would be caught.
 */
export function makeWeights(cfg: VpConfig): VpWeights {
  const g = new Gaussian(cfg.seed);
  const normal = (shape: number[], std: number) => tensor(shape, g.fill(shape.reduce((a, b) => a * b, 1), std));
  const linear = (nIn: number, nOut: number, gain = 1): Linear => ({
    w: normal([nIn, nOut], gain / Math.sqrt(nIn)),
    b: normal([nOut], 0.02),
  });
  const layerNorm = (n: number): LayerNormW => {
    const gamma = normal([n], 0.1);
    for (let i = 0; i < n; i++) gamma.data[i] += 1;
    return { gamma, beta: normal([n], 0.05) };
  };
  const attention = (d: number, kvIn: number): AttentionW => ({
    q: linear(d, d),
    k: linear(kvIn, d),
    v: linear(kvIn, d),
    o: linear(d, d),
  });

  const dv = cfg.visionWidth;
  const dt = cfg.textWidth;
  const patchFanIn = 3 * PATCH * PATCH;
  const vision: VisionW = {
    patchW: normal([dv, 3, PATCH, PATCH], 1 / Math.sqrt(patchFanIn)),
    patchB: normal([dv], 0.02),
    cls: normal([dv], 1),
    pos: normal([IMAGE_TOKENS, dv], 0.5),
    blocks: Array.from({ length: cfg.visionLayers }, () => ({
      ln1: layerNorm(dv),
      attn: attention(dv, dv),
      ln2: layerNorm(dv),
      fc1: linear(dv, cfg.visionMlp),
      fc2: linear(cfg.visionMlp, dv),
    })),
    lnFinal: layerNorm(dv),
  };
  const text: TextW = {
    wordEmb: normal([VOCAB_SIZE, cfg.embedDim], 1),
    wordUp: normal([cfg.embedDim, dt], 1 / Math.sqrt(cfg.embedDim)),
    pos: normal([MAX_LENGTH, dt], 0.5),
    tokenType: normal([dt], 0.5),
    embLn: layerNorm(dt),
    layers: Array.from({ length: cfg.textLayers }, () => ({
      self: attention(dt, dt),
      selfLn: layerNorm(dt),
      cross: attention(dt, dv),
      crossLn: layerNorm(dt),
      fc1: linear(dt, cfg.textFfn),
      fc2: linear(cfg.textFfn, dt),
      ffnLn: layerNorm(dt),
    })),
  };
  const widths = [dt, ...cfg.headWidths, 1];
  const head = widths.slice(1).map((nOut, i) => linear(widths[i], nOut, i === widths.length - 2 ? cfg.headGain : 1));
  return { vision, text, head };
}

/** Number of stored parameters (for the manifest's `sizes`). */
export function countParams(w: VpWeights): number {
  let n = 0;
  const visit = (x: unknown): void => {
    if (x && typeof x === 'object') {
      if ('data' in x && (x as Tensor).data instanceof Float32Array) n += (x as Tensor).data.length;
      else for (const v of Object.values(x)) visit(v);
    }
  };
  visit(w);
  return n;
}
