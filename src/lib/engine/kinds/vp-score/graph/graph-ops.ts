// Transformer pieces as plain opset-17 ONNX ops (no com.microsoft contrib ops), so any ONNX
// runtime, and every onnxruntime-web execution provider, can load the tiny models.
import { attrF, attrI, attrInts, type GraphBuilder } from '../../../convert/graph-builder.ts';
import type { AttentionW, LayerNormW, Linear, Weight } from './vp-weights.ts';

export function linear(b: GraphBuilder, name: string, w: Linear<Weight>, x: string): string {
  return b.op('Add', [b.op('MatMul', [x, b.weight(`${name}.weight`, w.w)]), b.weight(`${name}.bias`, w.b)]);
}

export function layerNorm(b: GraphBuilder, name: string, w: LayerNormW<Weight>, x: string, eps: number): string {
  const gamma = b.weight(`${name}.gamma`, w.gamma);
  const beta = b.weight(`${name}.beta`, w.beta);
  return b.op('LayerNormalization', [x, gamma, beta], { axis: attrI(-1), epsilon: attrF(eps) });
}

/** Exact (erf) GELU, as BERT and BLIP's ViT use; opset 17 has no Gelu op (it arrived in 20). */
export function gelu(b: GraphBuilder, x: string): string {
  const erf = b.op('Erf', [b.op('Mul', [x, b.scalarF(Math.SQRT1_2)])]);
  return b.op('Mul', [b.op('Mul', [x, b.op('Add', [erf, b.scalarF(1)])]), b.scalarF(0.5)]);
}

export function mlp(b: GraphBuilder, name: string, fc1: Linear<Weight>, fc2: Linear<Weight>, x: string): string {
  return linear(b, `${name}.fc2`, fc2, gelu(b, linear(b, `${name}.fc1`, fc1, x)));
}

/**
 * Multi-head attention, queries from `xq` [B,Tq,d], keys/values from `xkv` [B,Tk,kvIn].
 * `maskAdd`, if given, is an additive [B,1,1,Tk] mask applied to the scores before softmax.
 */
export function attention(
  b: GraphBuilder,
  name: string,
  w: AttentionW<Weight>,
  xq: string,
  xkv: string,
  heads: number,
  maskAdd?: string,
): string {
  const d = w.q.w.shape[1];
  const dh = d / heads;
  const split = b.constI64(`${name}.split_heads`, [4], [0, 0, heads, dh]); // 0 = keep that dim
  const merge = b.constI64(`${name}.merge_heads`, [3], [0, 0, d]);
  const heads4 = (x: string, perm: number[]) => b.op('Transpose', [b.op('Reshape', [x, split])], { perm: attrInts(perm) });
  const q = heads4(linear(b, `${name}.q`, w.q, xq), [0, 2, 1, 3]); // [B,H,Tq,dh]
  const kT = heads4(linear(b, `${name}.k`, w.k, xkv), [0, 2, 3, 1]); // [B,H,dh,Tk]
  const v = heads4(linear(b, `${name}.v`, w.v, xkv), [0, 2, 1, 3]); // [B,H,Tk,dh]
  let scores = b.op('Mul', [b.op('MatMul', [q, kT]), b.scalarF(1 / Math.sqrt(dh))]);
  if (maskAdd) scores = b.op('Add', [scores, maskAdd]);
  const probs = b.op('Softmax', [scores], { axis: attrI(-1) });
  const ctx = b.op('Transpose', [b.op('MatMul', [probs, v])], { perm: attrInts([0, 2, 1, 3]) });
  return linear(b, `${name}.o`, w.o, b.op('Reshape', [ctx, merge]));
}
