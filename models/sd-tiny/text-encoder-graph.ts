// CLIP-style text encoder: input_ids int32 or int64 [1, sequence] → last_hidden_state [1, sequence, D].
// Token + learned position embeddings (77 rows, sliced to the input's length), pre-LN layers with
// causal self-attention and quick-GELU MLPs, final LayerNorm: CLIPTextModel's structure, shrunk.
import { attrI } from '../../src/lib/engine/convert/graph-builder.ts';
import { attention } from '../../src/lib/engine/kinds/vp-score/graph/graph-ops.ts';
import { MAX_TOKENS, TEXT_HEADS, TEXT_LN_EPS, type SdShape } from './config.ts';
import { layerNorm, linear } from './ops.ts';
import { TypedGraph, type FloatVariant } from './typed-graph.ts';
import type { TextEncoderW } from './weights.ts';

/** Added to scores above the diagonal. −1e4 (not −inf) is exact in float16 and softmaxes to 0. */
const MASKED = -1e4;

function causalMask(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) m[i * n + j] = MASKED;
  return m;
}

export function buildTextEncoder(w: TextEncoderW, variant: FloatVariant, shape: SdShape): Uint8Array {
  const g = new TypedGraph(variant);
  const b = g.b;
  const ids = g.input('input_ids', shape.ids, [1, 'sequence']);
  const len = b.op('Shape', [ids], { start: attrI(1), end: attrI(2) }); // [L]
  const zero = g.ints([0]);
  const tokens = b.op('Gather', [g.weight('token_embedding', w.tokenEmb), ids], { axis: attrI(0) }); // [1,L,D]
  const positions = b.op('Slice', [g.weight('position_embedding', w.posEmb), zero, len, zero]); // [L,D]
  let x = b.op('Add', [tokens, positions]);

  // The [77,77] causal mask cut to [L,L]; a constant slice works on every EP (Trilu is not on WebGPU).
  const mask77 = g.weight('causal_mask', { shape: [MAX_TOKENS, MAX_TOKENS], data: causalMask(MAX_TOKENS) });
  const lenLen = b.op('Concat', [len, len], { axis: attrI(0) });
  const axes01 = g.ints([0, 1]);
  const mask = b.op('Slice', [mask77, g.ints([0, 0]), lenLen, axes01]);

  w.layers.forEach((layer, i) => {
    const p = `text.layer${i}`;
    const h = layerNorm(g, `${p}.ln1`, layer.ln1, x, TEXT_LN_EPS);
    x = b.op('Add', [x, attention(b, `${p}.attn`, layer.attn, h, h, TEXT_HEADS, mask)]);
    const fc1 = linear(g, `${p}.fc1`, layer.fc1, layerNorm(g, `${p}.ln2`, layer.ln2, x, TEXT_LN_EPS));
    const quickGelu = b.op('Mul', [fc1, b.op('Sigmoid', [b.op('Mul', [fc1, g.scalar(1.702)])])]); // CLIP's activation
    x = b.op('Add', [x, linear(g, `${p}.fc2`, layer.fc2, quickGelu)]);
  });
  layerNorm(g, 'text.ln_final', w.lnFinal, x, TEXT_LN_EPS, 'last_hidden_state');
  g.output('last_hidden_state', 'float', [1, 'sequence', shape.hidden]);
  return g.encode('sd-tiny-text-encoder', `PrefLens tiny SD-Turbo text encoder (${variant}): seeded random weights, for tests only.`);
}
