// q4 for WebGPU (also runs on WASM): big MatMul weights → com.microsoft MatMulNBits, 4 bits, blocks
// of 32 along K, symmetric (zero_points omitted = 8). Layout as onnxruntime's MatMulNBits kernel reads it:
//   B      uint8 [N, kBlocks, 16]  — column n of W, block b; element k of a block in the low nibble
//          when k is even, the high nibble when odd; stored value = q + 8, q in [-8, 7]
//   scales float32 [N * kBlocks]   — W[k, n] ≈ (stored − 8) · scales[n * kBlocks + b]
//   attributes K, N, bits = 4, block_size = 32
// kBlocks = ceil(K / 32): when K is not a multiple of 32 the last block is padded with the zero value
// (stored 8), and the op's K attribute keeps the true K. Gemm is left float32. As in q8, the word
// embedding table becomes int8 (there is no 4-bit Gather in opset 17) and the other big float
// weights (Conv kernel, position tables) are stored int8 + DequantizeLinear (weight-quant.ts).
import { assertFloat32VpScore } from './contract-check.ts';
import { DT, dimsOf, ensureOpset, markVariant, MS_DOMAIN, namer, onnx, type Model, type Node } from '../runtime/onnx-io.ts';
import { runSteps, type Steps } from './steps.ts';
import { inMemory } from './tensor-store.ts';
import type { QuantOptions } from './quantize-q8.ts';
import { bigWeight, dropUnused, quantizeGather, quantizeRemaining } from './weight-quant.ts';

export const Q4_BLOCK = 32;

/** W [K,N] row-major → MatMulNBits' B and scales. Exported for the layout test. */
export function packQ4(w: Float32Array, K: number, N: number, block = Q4_BLOCK): { b: Uint8Array; scales: Float32Array; kBlocks: number } {
  const kBlocks = Math.ceil(K / block);
  const blob = block / 2;
  const b = new Uint8Array(N * kBlocks * blob).fill(0x88); // padding decodes to 0
  const scales = new Float32Array(N * kBlocks);
  // Column n of W, contiguous: the blocks run down a column, and reading W[k, n] across rows for
  // each of the 21 trials would miss the cache at full size (the same arithmetic, in a better order).
  const col = new Float32Array(K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) col[k] = w[k * N + n];
    for (let kb = 0; kb < kBlocks; kb++) {
      const k0 = kb * block;
      const k1 = Math.min(K, k0 + block);
      const scale = blockScale(col, k0, k1);
      scales[n * kBlocks + kb] = scale;
      for (let k = k0; k < k1; k++) {
        const q = scale === 0 ? 0 : Math.max(-8, Math.min(7, Math.round(col[k] / scale)));
        const at = n * kBlocks * blob + kb * blob + ((k - k0) >> 1);
        b[at] = (k - k0) % 2 === 0 ? (b[at] & 0xf0) | (q + 8) : (b[at] & 0x0f) | ((q + 8) << 4);
      }
    }
  }
  return { b, scales, kBlocks };
}

/**
 * The block's scale: start from the largest-magnitude value mapping to −8 (all 16 levels, as Q4_0
 * does), try 21 slightly different grids, refit each by least squares (s = Σwq / Σq²) and keep the one
 * with the smallest squared error. Cuts the weight error by about a quarter on the tiny models.
 */
function blockScale(col: Float32Array, k0: number, k1: number): number {
  let peak = 0;
  for (let k = k0; k < k1; k++) if (Math.abs(col[k]) > Math.abs(peak)) peak = col[k];
  if (peak === 0) return 0;
  let best = peak / -8;
  let bestErr = Infinity;
  for (let t = -10; t <= 10; t++) {
    const trial = peak / -(8 + t / 10);
    let wq = 0;
    let qq = 0;
    for (let k = k0; k < k1; k++) {
      const q = Math.max(-8, Math.min(7, Math.round(col[k] / trial)));
      wq += col[k] * q;
      qq += q * q;
    }
    const s = qq > 0 ? wq / qq : trial;
    let err = 0;
    for (let k = k0; k < k1; k++) err += (col[k] - s * Math.max(-8, Math.min(7, Math.round(col[k] / s)))) ** 2;
    if (err < bestErr) [best, bestErr] = [s, err];
  }
  return best;
}

export function quantizeQ4(model: Model, source = 'model', opts: QuantOptions = {}): Model {
  return runSteps(quantizeQ4Steps(model, source, opts));
}

/** The q4 pass, yielding after each weight it quantizes (steps.ts). */
export function* quantizeQ4Steps(model: Model, source = 'model', opts: QuantOptions = {}): Steps<Model> {
  if (!opts.anyGraph) assertFloat32VpScore(model, source);
  const g = model.graph!;
  const fresh = namer(g);
  const store = opts.store ?? inMemory;
  const inits = new Map((g.initializer ?? []).map((t) => [t.name!, t]));
  const out: Node[] = [];
  let used = false;
  for (const n of g.node ?? []) {
    const gathered = quantizeGather(n, inits, fresh, g, store);
    if (gathered) {
      out.push(...gathered);
      yield;
      continue;
    }
    const wt = n.opType === 'MatMul' ? bigWeight(inits, n.input?.[1], opts.minElements) : undefined;
    if (!wt || inits.has(n.input![0])) {
      out.push(n);
      continue;
    }
    const [K, N] = dimsOf(wt);
    const { b, scales, kBlocks } = packQ4(store.floats(wt), K, N);
    const bName = fresh(`${wt.name}_q4`);
    const sName = fresh(`${wt.name}_q4_scales`);
    g.initializer!.push(store.tensor(bName, [N, kBlocks, Q4_BLOCK / 2], DT.uint8, b), store.tensor(sName, [N * kBlocks], DT.float, scales));
    const INT = onnx.AttributeProto.AttributeType.INT;
    out.push({
      name: fresh(`${n.name}_q4`),
      opType: 'MatMulNBits',
      domain: MS_DOMAIN,
      input: [n.input![0], bName, sName],
      output: [n.output![0]],
      attribute: [
        { name: 'K', type: INT, i: K },
        { name: 'N', type: INT, i: N },
        { name: 'bits', type: INT, i: 4 },
        { name: 'block_size', type: INT, i: Q4_BLOCK },
      ],
    });
    used = true;
    yield;
  }
  g.node = out;
  dropUnused(g);
  if (opts.weightOnlyRest !== false) yield* quantizeRemaining(g, fresh, store, opts.minElements);
  if (used) ensureOpset(model, MS_DOMAIN, 1);
  markVariant(model, 'q4');
  return model;
}
