// BLIP-style ViT image encoder: 16×16 patches, a learned [CLS] token, learned positions,
// pre-LayerNorm blocks and a final LayerNorm. Output: [B,197,visionWidth] image tokens.
import { attrI, attrInts, type GraphBuilder } from '../../../convert/graph-builder.ts';
import { VP_IMAGE_SIZE } from '../manifest.ts';
import { attention, layerNorm, mlp } from './graph-ops.ts';
import { PATCH, VISION_LN_EPS, type VisionW, type Weight } from './vp-weights.ts';

const GRID = VP_IMAGE_SIZE / PATCH; // 14

export function visionEncoder(b: GraphBuilder, heads: number, w: VisionW<Weight>, pixels: string): string {
  const dv = w.patchB.shape[0];
  const conv = b.op('Conv', [pixels, b.weight('vision.patch.weight', w.patchW), b.weight('vision.patch.bias', w.patchB)], {
    kernel_shape: attrInts([PATCH, PATCH]),
    strides: attrInts([PATCH, PATCH]),
  }); // [B,dv,14,14]
  const flat = b.op('Reshape', [conv, b.constI64('vision.flat_shape', [3], [0, dv, GRID * GRID])]);
  const patches = b.op('Transpose', [flat], { perm: attrInts([0, 2, 1]) }); // [B,196,dv]

  // The [CLS] row has no batch dim of its own; broadcast it to [B,1,dv] from the input's batch size.
  const batch = b.op('Shape', [pixels], { start: attrI(0), end: attrI(1) });
  const clsShape = b.op('Concat', [batch, b.constI64('vision.cls_tail', [2], [1, dv])], { axis: attrI(0) });
  const cls = b.op('Expand', [b.weight('vision.cls', { ...w.cls, shape: [1, 1, dv] }), clsShape]);
  let x = b.op('Concat', [cls, patches], { axis: attrI(1) });
  x = b.op('Add', [x, b.weight('vision.pos', w.pos)]); // [197,dv] broadcasts over B

  w.blocks.forEach((blk, i) => {
    const p = `vision.block${i}`;
    const a = attention(b, `${p}.attn`, blk.attn, ...dup(layerNorm(b, `${p}.ln1`, blk.ln1, x, VISION_LN_EPS)), heads);
    x = b.op('Add', [x, a]);
    x = b.op('Add', [x, mlp(b, `${p}.mlp`, blk.fc1, blk.fc2, layerNorm(b, `${p}.ln2`, blk.ln2, x, VISION_LN_EPS))]);
  });
  return layerNorm(b, 'vision.ln_final', w.lnFinal, x, VISION_LN_EPS);
}

/** Self-attention reads queries and keys/values from the same tensor. */
const dup = (x: string): [string, string] => [x, x];
