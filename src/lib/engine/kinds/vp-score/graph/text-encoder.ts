// BERT-style text encoder with cross-attention to the image tokens (BLIP's "image-grounded text
// encoder", which ImageReward reads its [CLS] feature from). Post-LayerNorm, as in BERT.
import { attrI, DT, type GraphBuilder } from '../../../convert/graph-builder.ts';
import { attention, layerNorm, mlp } from './graph-ops.ts';
import { TEXT_LN_EPS, type TextW, type Weight } from './vp-weights.ts';

/**
 * `mask` is the int64 attention_mask [B,35], or undefined for the bad-contract graph (then every
 * slot is attended). Returns the [CLS] feature [B,textWidth].
 */
export function textEncoder(b: GraphBuilder, heads: number, w: TextW<Weight>, ids: string, mask: string | undefined, image: string): string {
  const rows = b.op('Gather', [b.weight('text.word_emb', w.wordEmb), ids], { axis: attrI(0) });
  const words = w.wordUp ? b.op('MatMul', [rows, b.weight('text.word_up', w.wordUp)]) : rows;
  let x = b.op('Add', [words, b.weight('text.pos', w.pos)]);
  if (w.tokenType) x = b.op('Add', [x, b.weight('text.token_type0', w.tokenType)]);
  x = layerNorm(b, 'text.emb_ln', w.embLn, x, TEXT_LN_EPS);

  // BERT's extended mask: (1 - mask) * -10000 added to the scores, shaped [B,1,1,35].
  let maskAdd: string | undefined;
  if (mask) {
    const inv = b.op('Sub', [b.scalarF(1), b.op('Cast', [mask], { to: attrI(DT.float) })]);
    const add = b.op('Mul', [inv, b.scalarF(-10000)]);
    maskAdd = b.op('Unsqueeze', [add, b.constI64('text.mask_axes', [2], [1, 2])]);
  }

  w.layers.forEach((layer, i) => {
    const p = `text.layer${i}`;
    x = layerNorm(b, `${p}.self_ln`, layer.selfLn, b.op('Add', [x, attention(b, `${p}.self`, layer.self, x, x, heads, maskAdd)]), TEXT_LN_EPS);
    // The image attention mask is all ones in ImageReward, so its additive term is zero: omitted.
    x = layerNorm(b, `${p}.cross_ln`, layer.crossLn, b.op('Add', [x, attention(b, `${p}.cross`, layer.cross, x, image, heads)]), TEXT_LN_EPS);
    x = layerNorm(b, `${p}.ffn_ln`, layer.ffnLn, b.op('Add', [x, mlp(b, `${p}.ffn`, layer.fc1, layer.fc2, x)]), TEXT_LN_EPS);
  });
  return b.op('Gather', [x, b.constI64('text.cls_index', [], [0])], { axis: attrI(1) }); // [B,dt]
}
