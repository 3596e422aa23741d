// The UNet with SD-Turbo's contract: sample [batch,4,8,8], timestep int64 [batch],
// encoder_hidden_states [batch,sequence,D] → out_sample [batch,4,8,8] (the predicted noise ε); or
// SDXS's layout (config.ts SdShape): a scalar timestep and the output named noise_pred.
//
// Why it makes pictures with random weights: a trained ε-predictor outputs ε = (x − x̂0)/σ, where
// x = sample·√(σ²+1) is the unscaled latent the sampler holds. This graph computes that exactly,
// with x̂0 = m(sample, t, text) the random network's output (std ≈ 0.3, SD latents' scale):
//   out_sample = c_skip·sample − c_out·m,  c_skip = 1/√(1−ᾱ_t) = √(σ²+1)/σ,  c_out = √ᾱ_t/√(1−ᾱ_t) = 1/σ
// so the sampler's x0 = x − σ·out_sample = m at every σ (EDM-style pre-conditioning, computed in-graph
// from the schedule table). At t = 999, c_skip = 1.0023 and c_out = 0.068: out_sample ≈ sample plus
// a small text- and sample-dependent term. m depends on the seed through the sample (convs and a
// 4×4 level give it blob-sized spatial structure) and on the prompt through one cross-attention.
import { attrI, attrInts, DT } from '../../src/lib/engine/convert/graph-builder.ts';
import { attention } from '../../src/lib/engine/kinds/vp-score/graph/graph-ops.ts';
import * as C from './config.ts';
import { conv, groupNorm, layerNorm, linear, resBlock, silu, upsample2x } from './ops.ts';
import { alphasCumprod, TRAIN_TIMESTEPS } from './schedule.ts';
import { TypedGraph, type FloatVariant } from './typed-graph.ts';
import type { UnetW } from './weights.ts';

/** 'bad' takes timestep as float32 (otherwise identical), for the engine's contract check. */
export type UnetContract = 'real' | 'bad';

export function buildUnet(w: UnetW, variant: FloatVariant, shape: C.SdShape, contract: UnetContract = 'real'): Uint8Array {
  const g = new TypedGraph(variant);
  const b = g.b;
  const S = C.LATENT_SIZE;
  const W = C.UNET_WIDTH;
  const sample = g.input('sample', 'float', ['batch', C.LATENT_CHANNELS, S, S]);
  const timestep = g.input('timestep', contract === 'real' ? 'int64' : 'float32', shape.scalarTimestep ? [] : ['batch']);
  const context = g.input('encoder_hidden_states', 'float', ['batch', 'sequence', shape.hidden]);

  const temb = timeEmbedding(g, w, timestep, contract, shape.scalarTimestep);
  const [cSkip, cOut] = preconditioning(g, timestep, contract);

  const full = { groups: C.UNET_GROUPS, eps: C.GN_EPS, temb, shape: [W, S, S] };
  const half = { ...full, shape: [W, S / 2, S / 2] };
  const h0 = conv(g, 'conv_in', w.convIn, sample);
  const skip = resBlock(g, 'down.res', w.res1, h0, full); // [B,W,8,8]
  let h = conv(g, 'down.conv', w.down, skip, 2); // strided: [B,W,4,4]
  h = resBlock(g, 'mid.res', w.res2, h, half);
  h = crossAttention(g, w, h, context, S / 2);
  h = b.op('Concat', [upsample2x(g, h), skip], { axis: attrI(1) }); // [B,2W,8,8]
  h = conv(g, 'up.conv', w.upConv, h);
  h = resBlock(g, 'up.res', w.res3, h, full);
  const x0 = conv(g, 'conv_out', w.convOut, silu(g, groupNorm(g, 'norm_out', w.normOut, h, C.UNET_GROUPS, full.shape, C.GN_EPS)));

  b.op('Sub', [b.op('Mul', [cSkip, sample]), b.op('Mul', [cOut, x0])], {}, shape.unetOut);
  g.output(shape.unetOut, 'float', ['batch', C.LATENT_CHANNELS, S, S]);
  const doc = `PrefLens tiny SD-Turbo UNet (${variant}, ${contract} contract): seeded random weights, for tests only.`;
  return g.encode(contract === 'real' ? 'sd-tiny-unet' : 'sd-tiny-unet-bad-contract', doc);
}

/**
 * diffusers' Timesteps(flip_sin_to_cos=True, shift 0) + TimestepEmbedding: [cos(t·f), sin(t·f)],
 * f_i = 10000^(−i/16), then Linear → SiLU → Linear. The sinusoids run in float32 in both variants,
 * as diffusers does before casting to the UNet's dtype: at t = 999 float16's spacing is 0.5, far
 * too coarse for a sine's argument.
 */
function timeEmbedding(g: TypedGraph, w: UnetW, timestep: string, contract: UnetContract, scalar: boolean): string {
  const b = g.b;
  const n = C.TIME_FREQS;
  const freqs = Float32Array.from({ length: n }, (_, i) => Math.exp((-Math.log(10000) * i) / n));
  // t as float32 with Cast(int64 → float), as SD-Turbo's exported UNet does. An earlier layout of
  // this graph met a JSEP bug there (the Cast's output buffer reused before its consumer read it;
  // microsoft/onnxruntime#32134), so it looked t up in a table instead. PrefLens now runs the native
  // WebGPU EP (runtime/ort-build.ts); e2e compares this graph's images on WebGPU with WASM's, and
  // tests/e2e/runtime-build.test.ts checks the pattern alone against float64 math.
  // [B,1] (a scalar timestep: [1,1]), then float: diffusers' order.
  const column = scalar ? b.op('Reshape', [timestep, g.ints([1, 1])]) : b.op('Unsqueeze', [timestep, g.ints([1])]);
  const t = contract === 'real' ? b.op('Cast', [column], { to: attrI(DT.float) }) : column;
  const args = b.op('Mul', [t, g.weight32('time.freqs', { shape: [1, n], data: freqs })]);
  const emb = g.fromF32(b.op('Concat', [b.op('Cos', [args]), b.op('Sin', [args])], { axis: attrI(1) }));
  return linear(g, 'time.fc2', w.timeFc2, silu(g, linear(g, 'time.fc1', w.timeFc1, emb))); // [B,TIME_WIDTH]
}

/**
 * c_skip and c_out as [B,1,1,1] from the ᾱ table (float32, then the variant's float type). The
 * timestep is reshaped before the Gather, so no view (Reshape/Unsqueeze) is taken of a computed
 * tensor in this small float32 chain, the pattern that upset JSEP's buffer reuse above.
 */
function preconditioning(g: TypedGraph, timestep: string, contract: UnetContract): [string, string] {
  const b = g.b;
  const table = g.weight32('alphas_cumprod', { shape: [TRAIN_TIMESTEPS], data: Float32Array.from(alphasCumprod()) });
  const perItem = b.op('Reshape', [timestep, g.ints([-1, 1, 1, 1])]);
  const index = contract === 'real' ? perItem : b.op('Cast', [perItem], { to: attrI(DT.int64) });
  const alphaBar = b.op('Gather', [table, index], { axis: attrI(0) }); // [B,1,1,1]
  const sqrtOneMinus = b.op('Sqrt', [b.op('Sub', [g.scalar32(1), alphaBar])]);
  const cSkip = b.op('Div', [g.scalar32(1), sqrtOneMinus]);
  const cOut = b.op('Div', [b.op('Sqrt', [alphaBar]), sqrtOneMinus]);
  return [g.fromF32(cSkip), g.fromF32(cOut)];
}

/**
 * One cross-attention at the 4×4 level (SD's mid-block transformer, reduced to LN → attention →
 * residual): 16 feature-map tokens attend to the prompt's hidden states.
 */
function crossAttention(g: TypedGraph, w: UnetW, h: string, context: string, side: number): string {
  const b = g.b;
  const W = C.UNET_WIDTH;
  const tokens = b.op('Transpose', [b.op('Reshape', [h, g.ints([0, W, side * side])])], {
    perm: attrInts([0, 2, 1]),
  }); // [B,16,W]
  const q = layerNorm(g, 'mid.cross_ln', w.crossLn, tokens, C.TEXT_LN_EPS);
  const out = b.op('Add', [tokens, attention(b, 'mid.cross', w.cross, q, context, C.CROSS_HEADS)]);
  const back = b.op('Transpose', [out], { perm: attrInts([0, 2, 1]) });
  return b.op('Reshape', [back, g.ints([0, W, side, side])]);
}
