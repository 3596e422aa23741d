// The arithmetic shared by the q8 and q4 passes: symmetric int8 per column, and the int8 embedding
// table (Gather on int8 rows, then DequantizeLinear), which both variants use because the tiny
// models' word-embedding table is most of their bytes.
import { DT, consumerCounts, dimsOf, numel, type Graph, type Node, type TensorProto } from '../runtime/onnx-io.ts';
import type { Steps } from './steps.ts';
import type { TensorStore } from './tensor-store.ts';

/** Weights smaller than this stay float32: their bytes do not matter and tiny layers lose the most. */
export const MIN_QUANT_ELEMENTS = 1024;

/** w [K,N] row-major → int8 q [K,N] and per-column scales [N] with w ≈ q * scale. */
export function quantizeInt8PerColumn(w: Float32Array, K: number, N: number): { q: Int8Array; scale: Float32Array } {
  const scale = new Float32Array(N);
  for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) scale[n] = Math.max(scale[n], Math.abs(w[k * N + n]));
  for (let n = 0; n < N; n++) scale[n] = scale[n] > 0 ? scale[n] / 127 : 1;
  const q = new Int8Array(K * N);
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) q[k * N + n] = Math.max(-127, Math.min(127, Math.round(w[k * N + n] / scale[n])));
  }
  return { q, scale };
}

/** A float32 2-D initializer with at least `min` elements, else undefined. */
export function bigWeight(inits: Map<string, TensorProto>, name: string | undefined, min = MIN_QUANT_ELEMENTS): TensorProto | undefined {
  const t = name ? inits.get(name) : undefined;
  return t && t.dataType === DT.float && dimsOf(t).length === 2 && numel(t) >= min ? t : undefined;
}

/** Drops initializers nothing reads any more. */
export function dropUnused(g: Graph): void {
  const used = consumerCounts(g);
  g.initializer = (g.initializer ?? []).filter((t) => used.has(t.name!));
}

/**
 * Gather(table f32 [V,D], ids) → Gather(table int8, ids) → DequantizeLinear(·, scale[D], axis -1).
 * Per-column scales of the table are per-last-axis scales of the gathered rows. Returns the new nodes
 * for `n`, or undefined when `n` is not a big-table Gather on axis 0.
 */
export function quantizeGather(n: Node, inits: Map<string, TensorProto>, fresh: (b: string) => string, g: Graph, store: TensorStore): Node[] | undefined {
  const axis = (n.attribute ?? []).find((a) => a.name === 'axis');
  const table = bigWeight(inits, n.input?.[0]);
  if (n.opType !== 'Gather' || !table || (axis && Number(String(axis.i)) !== 0)) return undefined;
  const [V, D] = dimsOf(table);
  const { q, scale } = quantizeInt8PerColumn(store.floats(table), V, D);
  const qName = fresh(`${table.name}_int8`);
  const sName = fresh(`${table.name}_scale`);
  g.initializer!.push(store.tensor(qName, [V, D], DT.int8, q), store.tensor(sName, [D], DT.float, scale));
  const rows = fresh(`${n.output![0]}_int8`);
  return [
    { ...n, input: [qName, n.input![1]], output: [rows] },
    { name: fresh(`${n.name}_dq`), opType: 'DequantizeLinear', input: [rows, sName], output: [n.output![0]], attribute: [{ name: 'axis', type: 2, i: -1 }] },
  ];
}

/** w [R,C] row-major → int8 q (same layout) and per-row scales [R]. */
export function quantizeInt8PerRow(w: Float32Array, R: number): { q: Int8Array; scale: Float32Array } {
  const C = w.length / R;
  const scale = new Float32Array(R);
  const q = new Int8Array(w.length);
  for (let r = 0; r < R; r++) {
    let peak = 0;
    for (let c = 0; c < C; c++) peak = Math.max(peak, Math.abs(w[r * C + c]));
    scale[r] = peak > 0 ? peak / 127 : 1;
    for (let c = 0; c < C; c++) q[r * C + c] = Math.max(-127, Math.min(127, Math.round(w[r * C + c] / scale[r])));
  }
  return { q, scale };
}

/**
 * Weight-only int8 for the big float initializers the other rules left (Conv kernels, position
 * tables): initializer X becomes X_int8 + per-row (axis 0) scales, and a DequantizeLinear at the top
 * of the graph writes X again, so no reader changes. Saves bytes, not time. Yields after each weight.
 */
export function* quantizeRemaining(g: Graph, fresh: (b: string) => string, store: TensorStore, min = MIN_QUANT_ELEMENTS): Steps<void> {
  const heads: Node[] = [];
  const kept: TensorProto[] = [];
  for (const t of g.initializer ?? []) {
    const dims = dimsOf(t);
    if (t.dataType !== DT.float || dims.length < 2 || numel(t) < min) {
      kept.push(t);
      continue;
    }
    const { q, scale } = quantizeInt8PerRow(store.floats(t), dims[0]);
    const qName = fresh(`${t.name}_int8`);
    const sName = fresh(`${t.name}_scale`);
    heads.push({ name: fresh(`${t.name}_dq`), opType: 'DequantizeLinear', input: [qName, sName], output: [t.name!], attribute: [{ name: 'axis', type: 2, i: 0 }] });
    kept.push(store.tensor(qName, dims, DT.int8, q), store.tensor(sName, [dims[0]], DT.float, scale));
    yield;
  }
  g.initializer = kept;
  g.node = [...heads, ...(g.node ?? [])];
}
