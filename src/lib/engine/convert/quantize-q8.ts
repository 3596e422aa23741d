// q8 for WASM: dynamic quantization of the big MatMul/Gemm weights into the pattern onnxruntime's
// quantize_dynamic writes and its CPU EP (which the WASM build is) fuses into DynamicQuantizeMatMul:
//   DynamicQuantizeLinear(A) → (A_u8, A_scale, A_zp)
//   MatMulInteger(A_u8, W_u8, A_zp, 128) → int32;  Cast → float;  Mul by (A_scale · W_scale[N]);  (+ bias for Gemm)
// Weights are symmetric int8 per output column, stored as uint8 with zero point 128 (the same
// values, shifted): onnxruntime's native u8·s8 kernel on x86 CPUs with AVX2 but no VNNI saturates
// its 16-bit pair sums (vpmaddubsw) and gave wrong scores — ρ 0.87 against float32 on vp-tiny where
// WASM gives 1.0 (tests/cli/convert.test.ts, AMD EPYC with AVX2 only); u8·u8 has no such path.
// The word-embedding table becomes int8 + DequantizeLinear, and the other big float weights (the
// patch Conv kernel, position tables) are stored int8 and dequantized at load (weight-quant.ts).
import { assertFloat32VpScore } from './contract-check.ts';
import { DT, dimsOf, getAttr, markVariant, namer, num, type Model, type Node } from '../runtime/onnx-io.ts';
import { runSteps, type Steps } from './steps.ts';
import { inMemory, type TensorStore } from './tensor-store.ts';
import { bigWeight, dropUnused, quantizeGather, quantizeRemaining, quantizeInt8PerColumn } from './weight-quant.ts';

export interface QuantOptions {
  /** Skip weights with fewer elements (default 1024). */
  minElements?: number;
  /** Store the other big float weights (Conv kernel, position tables) as int8 + DequantizeLinear (default true). */
  weightOnlyRest?: boolean;
  /** Where weights are read and new tensors put (default: in memory). */
  store?: TensorStore;
  /**
   * Convert a float32 graph that is not VP-Score (default false: the VP-Score contract is checked
   * first, so a user's wrong file gets that error). The bench quantizes diffusion graphs this way.
   */
  anyGraph?: boolean;
}

export function quantizeQ8(model: Model, source = 'model', opts: QuantOptions = {}): Model {
  return runSteps(quantizeQ8Steps(model, source, opts));
}

/** The q8 pass, yielding after each weight it quantizes (steps.ts). */
export function* quantizeQ8Steps(model: Model, source = 'model', opts: QuantOptions = {}): Steps<Model> {
  if (!opts.anyGraph) assertFloat32VpScore(model, source);
  const g = model.graph!;
  const fresh = namer(g);
  const store = opts.store ?? inMemory;
  const inits = new Map((g.initializer ?? []).map((t) => [t.name!, t]));
  const out: Node[] = [];
  for (const n of g.node ?? []) {
    const replaced = quantizeGather(n, inits, fresh, g, store) ?? quantizeMatMul(n);
    out.push(...(replaced ?? [n]));
    if (replaced) yield;
  }
  g.node = out;
  dropUnused(g);
  if (opts.weightOnlyRest !== false) yield* quantizeRemaining(g, fresh, store, opts.minElements);
  markVariant(model, 'q8');
  return model;

  function quantizeMatMul(n: Node): Node[] | undefined {
    const isGemm = n.opType === 'Gemm';
    if (n.opType !== 'MatMul' && !isGemm) return undefined;
    const wt = bigWeight(inits, n.input?.[1], opts.minElements);
    if (!wt || inits.has(n.input![0])) return undefined;
    let [K, N] = dimsOf(wt);
    let w = store.floats(wt);
    if (isGemm) {
      const alpha = getAttr(n, 'alpha')?.f ?? 1;
      const beta = getAttr(n, 'beta')?.f ?? 1;
      if (num(getAttr(n, 'transA')?.i ?? 0) !== 0 || alpha !== 1 || beta !== 1) return undefined;
      if (num(getAttr(n, 'transB')?.i ?? 0) === 1) {
        [K, N] = [N, K];
        w = transpose(w, N, K);
      }
    }
    const { q, scale } = quantizeInt8PerColumn(w, K, N);
    const base = wt.name!;
    const qName = fresh(`${base}_uint8`);
    const sName = fresh(`${base}_scale`);
    const zName = fresh(`${base}_zp`);
    g.initializer!.push(
      store.tensor(qName, [K, N], DT.uint8, Uint8Array.from(q, (v) => v + W_ZERO_POINT)),
      store.tensor(sName, [N], DT.float, scale),
      store.tensor(zName, [], DT.uint8, Uint8Array.of(W_ZERO_POINT)),
    );
    const y = n.output![0];
    const [aQ, aS, aZ, acc, accF, s, scaled] = ['a_u8', 'a_scale', 'a_zp', 'acc_i32', 'acc_f32', 'scale', 'scaled'].map((x) => fresh(`${y}_${x}`));
    const nodes: Node[] = [
      { name: fresh(`${n.name}_dql`), opType: 'DynamicQuantizeLinear', input: [n.input![0]], output: [aQ, aS, aZ] },
      { name: fresh(`${n.name}_mmi`), opType: 'MatMulInteger', input: [aQ, qName, aZ, zName], output: [acc] },
      { name: fresh(`${n.name}_cast`), opType: 'Cast', input: [acc], output: [accF], attribute: [{ name: 'to', type: 2, i: DT.float }] },
      { name: fresh(`${n.name}_scale`), opType: 'Mul', input: [aS, sName], output: [s] },
    ];
    const bias = isGemm ? n.input?.[2] : undefined;
    nodes.push({ name: fresh(`${n.name}_mul`), opType: 'Mul', input: [accF, s], output: [bias ? scaled : y] });
    if (bias) nodes.push({ name: fresh(`${n.name}_bias`), opType: 'Add', input: [scaled, bias], output: [y] });
    return nodes;
  }
}

/** uint8 weight = int8 weight + 128. */
const W_ZERO_POINT = 128;

/** [R,C] → [C,R]. */
function transpose(w: Float32Array, R: number, C: number): Float32Array {
  const t = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) t[c * R + r] = w[r * C + c];
  return t;
}
