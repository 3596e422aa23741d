// Float64 reference forward of the tiny VP-Score graph, from the same weights the builder writes.
// Tests compare onnxruntime against it; the builder uses it to calibrate mean/std.
import { GRID, IMAGE_SIZE, IMAGE_TOKENS, MAX_LENGTH, PATCH, TEXT_LN_EPS, VISION_LN_EPS, type VpConfig } from './config.ts';
import { add, asRows, attention, gelu, layerNorm, linear, matmulRows } from './reference-ops.ts';
import type { VpWeights } from './weights.ts';

const PIXELS = 3 * IMAGE_SIZE * IMAGE_SIZE;

/** Image tokens [197, visionWidth] for one normalised image (`pixels` holds [3,224,224] at `offset`). */
export function referenceVision(w: VpWeights, cfg: VpConfig, pixels: ArrayLike<number>, offset = 0): Float64Array {
  const v = w.vision;
  const dv = cfg.visionWidth;
  // Conv 16×16 stride 16 as a matrix product: im2col rows in (channel, ky, kx) order, the order
  // of the conv weight's flattened [3,16,16] tail.
  // Imported bindings are getters under tsx/vitest: take locals before the hot loops.
  const [size, patch, grid] = [IMAGE_SIZE, PATCH, GRID];
  const kk = patch * patch;
  const fanIn = 3 * kk;
  const cols = new Float64Array(grid * grid * fanIn);
  for (let py = 0; py < grid; py++) {
    for (let px = 0; px < grid; px++) {
      const row = (py * grid + px) * fanIn;
      for (let c = 0; c < 3; c++) {
        for (let ky = 0; ky < patch; ky++) {
          const src = offset + c * size * size + (py * patch + ky) * size + px * patch;
          for (let kx = 0; kx < patch; kx++) cols[row + c * kk + ky * patch + kx] = pixels[src + kx];
        }
      }
    }
  }
  const patches = matmulRows(cols, grid * grid, asRows(v.patchW.data), v.patchB.data, fanIn, dv);
  const x = new Float64Array(IMAGE_TOKENS * dv);
  x.set(v.cls.data, 0);
  x.set(patches, dv);
  let h = add(x, Float64Array.from(v.pos.data));
  for (const blk of v.blocks) {
    const n1 = layerNorm(h, IMAGE_TOKENS, blk.ln1, VISION_LN_EPS);
    h = add(h, attention(blk.attn, n1, IMAGE_TOKENS, n1, IMAGE_TOKENS, cfg.visionHeads));
    const n2 = layerNorm(h, IMAGE_TOKENS, blk.ln2, VISION_LN_EPS);
    h = add(h, linear(gelu(linear(n2, IMAGE_TOKENS, blk.fc1)), IMAGE_TOKENS, blk.fc2));
  }
  return layerNorm(h, IMAGE_TOKENS, v.lnFinal, VISION_LN_EPS);
}

/** Raw reward for one prompt (35 ids and mask values) against one image's tokens. */
export function referenceText(
  w: VpWeights,
  cfg: VpConfig,
  image: Float64Array,
  ids: ArrayLike<number | bigint>,
  mask: ArrayLike<number | bigint> | undefined,
): number {
  const t = w.text;
  const dt = cfg.textWidth;
  const e = cfg.embedDim;
  const L = MAX_LENGTH;
  const words = new Float64Array(L * e);
  for (let i = 0; i < L; i++) {
    const id = Number(ids[i]);
    for (let c = 0; c < e; c++) words[i * e + c] = t.wordEmb.data[id * e + c];
  }
  // The test models always have the factorised table and a token-type row (vp-weights.ts).
  let x = linear(words, L, { w: t.wordUp!, b: { shape: [dt], data: new Float32Array(dt) } });
  for (let i = 0; i < L; i++) for (let c = 0; c < dt; c++) x[i * dt + c] += t.pos.data[i * dt + c] + t.tokenType!.data[c];
  x = layerNorm(x, L, t.embLn, TEXT_LN_EPS);
  const maskAdd = mask ? Float64Array.from({ length: L }, (_, j) => (1 - Number(mask[j])) * -10000) : undefined;
  for (const layer of t.layers) {
    x = layerNorm(add(x, attention(layer.self, x, L, x, L, cfg.textHeads, maskAdd)), L, layer.selfLn, TEXT_LN_EPS);
    x = layerNorm(add(x, attention(layer.cross, x, L, image, IMAGE_TOKENS, cfg.textHeads, undefined, true)), L, layer.crossLn, TEXT_LN_EPS);
    x = layerNorm(add(x, linear(gelu(linear(x, L, layer.fc1)), L, layer.fc2)), L, layer.ffnLn, TEXT_LN_EPS);
  }
  let feat: Float64Array = x.slice(0, dt); // the [CLS] slot
  for (const lin of w.head) feat = linear(feat, 1, lin);
  return feat[0];
}

/**
 * Raw rewards for a batch, laid out as the graph's inputs: pixelValues [B,3,224,224],
 * inputIds and mask [B,35] (pass `mask` undefined to mimic the bad-contract graph).
 */
export function referenceReward(
  weights: VpWeights,
  config: VpConfig,
  pixelValues: Float32Array,
  inputIds: BigInt64Array | Int32Array | number[],
  mask: BigInt64Array | number[] | undefined,
  batch: number,
): number[] {
  const out: number[] = [];
  for (let bi = 0; bi < batch; bi++) {
    const image = referenceVision(weights, config, pixelValues, bi * PIXELS);
    const slot = (a: ArrayLike<number | bigint>) => Array.from({ length: MAX_LENGTH }, (_, i) => a[bi * MAX_LENGTH + i]);
    out.push(referenceText(weights, config, image, slot(inputIds), mask && slot(mask)));
  }
  return out;
}
