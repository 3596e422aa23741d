// Float64 versions of the graph's building blocks, as plain loops. They are laid out for V8 (unit
// stride inner loops, cached float64 weight copies) because calibration runs them in every build,
// which must stay well under 10 s. A matrix is a row-major Float64Array of `rows × cols`.
import type { AttentionW, LayerNormW, Linear } from './weights.ts';

/** x [rows, nIn] · w [nIn, nOut] + b. */
/** Float64 [out, in] copies of weights: dot products over unit-stride rows are the fastest loop V8
 * runs here, and calibration calls the same weights thousands of times. */
const transposed = new WeakMap<Float32Array, Float64Array>();

function weightRows(l: Linear): Float64Array {
  let wT = transposed.get(l.w.data);
  if (!wT) {
    const [nIn, nOut] = l.w.shape;
    const w = l.w.data;
    wT = new Float64Array(nIn * nOut);
    for (let k = 0; k < nIn; k++) for (let o = 0; o < nOut; o++) wT[o * nIn + k] = w[k * nOut + o];
    transposed.set(l.w.data, wT);
  }
  return wT;
}

export function linear(x: Float64Array, rows: number, l: Linear): Float64Array {
  const [nIn, nOut] = l.w.shape;
  return matmulRows(x, rows, weightRows(l), l.b.data, nIn, nOut);
}

/** x [rows, nIn] times the transpose of wRows [nOut, nIn], plus bias. */
export function matmulRows(x: Float64Array, rows: number, wRows: Float64Array, bias: Float32Array, nIn: number, nOut: number): Float64Array {
  const out = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    const x0 = r * nIn;
    for (let o = 0; o < nOut; o++) {
      const w0 = o * nIn;
      let s = 0;
      for (let k = 0; k < nIn; k++) s += x[x0 + k] * wRows[w0 + k];
      out[r * nOut + o] = s + bias[o];
    }
  }
  return out;
}

/** A float64 copy of a weight that is already [out, in] (the patch conv's [dv, 3·16·16]). */
export function asRows(data: Float32Array): Float64Array {
  let rows = transposed.get(data);
  if (!rows) transposed.set(data, (rows = Float64Array.from(data)));
  return rows;
}

export function layerNorm(x: Float64Array, rows: number, l: LayerNormW, eps: number): Float64Array {
  const n = l.gamma.data.length;
  const out = new Float64Array(rows * n);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[r * n + i];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (x[r * n + i] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / n + eps);
    for (let i = 0; i < n; i++) out[r * n + i] = (x[r * n + i] - mean) * inv * l.gamma.data[i] + l.beta.data[i];
  }
  return out;
}

/**
 * erf to ~1e-15 for all x: e^{-x²}·Σ 2ⁿx^{2n+1}/(1·3·…·(2n+1))·2/√π has only positive terms, so
 * no cancellation; beyond |x| = 6, erf is ±1 in float64. (JS has no Math.erf.)
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  let term = ax;
  let sum = ax;
  for (let n = 1; term > 1e-17 * sum; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * Math.min(1, (2 / Math.sqrt(Math.PI)) * Math.exp(-ax * ax) * sum);
}

export function gelu(x: Float64Array): Float64Array {
  return x.map((v) => 0.5 * v * (1 + erf(v * Math.SQRT1_2)));
}

export function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((v, i) => v + b[i]);
}

/** Keys/values per (image tokens, attention weights): the image side of the cross-attention does not
 * depend on the prompt, so calibration (16 images × 4 prompts) computes it once per image. */
const kvCache = new WeakMap<Float64Array, WeakMap<AttentionW, { k: Float64Array; v: Float64Array }>>();

function keysValues(w: AttentionW, xkv: Float64Array, tk: number, cache: boolean) {
  if (!cache) return { k: linear(xkv, tk, w.k), v: linear(xkv, tk, w.v) };
  let perInput = kvCache.get(xkv);
  if (!perInput) kvCache.set(xkv, (perInput = new WeakMap()));
  let kv = perInput.get(w);
  if (!kv) perInput.set(w, (kv = { k: linear(xkv, tk, w.k), v: linear(xkv, tk, w.v) }));
  return kv;
}

/**
 * Multi-head attention for one sample: queries from xq [tq, d], keys/values from xkv [tk, kvIn].
 * `maskAdd` [tk] is added to every query's scores (BERT's (1 - mask)·-10000). `cacheKv` is only
 * safe when `xkv` is never mutated afterwards (true for the image tokens).
 */
export function attention(
  w: AttentionW,
  xq: Float64Array,
  tq: number,
  xkv: Float64Array,
  tk: number,
  heads: number,
  maskAdd?: Float64Array,
  cacheKv = false,
): Float64Array {
  const d = w.q.w.shape[1];
  const dh = d / heads;
  const q = linear(xq, tq, w.q);
  const { k, v } = keysValues(w, xkv, tk, cacheKv);
  const ctx = new Float64Array(tq * d);
  const scores = new Float64Array(tk);
  const scale = 1 / Math.sqrt(dh);
  const add = maskAdd ?? new Float64Array(tk);
  // One head at a time from contiguous copies: short, unit-stride inner loops are what V8 runs fast.
  const qh = new Float64Array(tq * dh);
  const kh = new Float64Array(tk * dh);
  const vh = new Float64Array(tk * dh);
  const acc = new Float64Array(dh);
  for (let h = 0; h < heads; h++) {
    const off = h * dh;
    for (let i = 0; i < tq; i++) for (let c = 0; c < dh; c++) qh[i * dh + c] = q[i * d + off + c];
    for (let j = 0; j < tk; j++) {
      for (let c = 0; c < dh; c++) {
        kh[j * dh + c] = k[j * d + off + c];
        vh[j * dh + c] = v[j * d + off + c];
      }
    }
    for (let i = 0; i < tq; i++) {
      const q0 = i * dh;
      let max = -Infinity;
      for (let j = 0; j < tk; j++) {
        const k0 = j * dh;
        let s = 0;
        for (let c = 0; c < dh; c++) s += qh[q0 + c] * kh[k0 + c];
        s = s * scale + add[j];
        scores[j] = s;
        if (s > max) max = s;
      }
      let z = 0;
      acc.fill(0);
      for (let j = 0; j < tk; j++) {
        const p = Math.exp(scores[j] - max);
        z += p;
        const v0 = j * dh;
        for (let c = 0; c < dh; c++) acc[c] += p * vh[v0 + c];
      }
      for (let c = 0; c < dh; c++) ctx[i * d + off + c] = acc[c] / z;
    }
  }
  return linear(ctx, tq, w.o);
}
