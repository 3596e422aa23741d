// A checked ImageReward state dict (image-reward-layout.ts) turned into the graph writer's weights
// (convert/vp-score-graph/vp-weights.ts): PyTorch's Linear weights [out, in] transposed to the
// [in, out] MatMul takes, the ViT's fused qkv split, the position table cut to the 35 slots the
// contract feeds. Every tensor is read here, so this holds the whole float32 model in memory: the
// path for Node and small models; the browser's streamed import writes tensor by tensor instead.
import { VP_MAX_LENGTH } from '../families/vp-score-manifest.ts';
import type {
  AttentionW, LayerNormW, Linear, Tensor, TextLayerW, VisionBlockW, VpWeights,
} from '../convert/vp-score-graph/vp-weights.ts';
import type { ImageRewardWeights } from './image-reward-layout.ts';

const V = 'blip.visual_encoder.';
const T = 'blip.text_encoder.';

export async function readImageRewardWeights(w: ImageRewardWeights): Promise<VpWeights> {
  const c = w.config;
  const get = async (name: string): Promise<Tensor> => {
    const t = w.tensors.get(name)!; // loadImageReward checked every name and shape
    return { shape: t.shape, data: (await t.read()) as Float32Array };
  };
  const linear = async (name: string): Promise<Linear> => ({ w: transpose(await get(`${name}.weight`)), b: await get(`${name}.bias`) });
  const norm = async (name: string): Promise<LayerNormW> => ({ gamma: await get(`${name}.weight`), beta: await get(`${name}.bias`) });

  const blocks: VisionBlockW[] = [];
  for (let i = 0; i < c.visionDepth; i++) {
    const b = `${V}blocks.${i}.`;
    blocks.push({
      ln1: await norm(`${b}norm1`),
      attn: { ...splitQkv(await get(`${b}attn.qkv.weight`), await get(`${b}attn.qkv.bias`)), o: await linear(`${b}attn.proj`) },
      ln2: await norm(`${b}norm2`),
      fc1: await linear(`${b}mlp.fc1`),
      fc2: await linear(`${b}mlp.fc2`),
    });
  }
  const attention = async (p: string): Promise<AttentionW> => ({
    q: await linear(`${p}.self.query`), k: await linear(`${p}.self.key`), v: await linear(`${p}.self.value`), o: await linear(`${p}.output.dense`),
  });
  const layers: TextLayerW[] = [];
  for (let i = 0; i < c.textDepth; i++) {
    const l = `${T}encoder.layer.${i}.`;
    layers.push({
      self: await attention(`${l}attention`), selfLn: await norm(`${l}attention.output.LayerNorm`),
      cross: await attention(`${l}crossattention`), crossLn: await norm(`${l}crossattention.output.LayerNorm`),
      fc1: await linear(`${l}intermediate.dense`), fc2: await linear(`${l}output.dense`), ffnLn: await norm(`${l}output.LayerNorm`),
    });
  }
  const pos = await get(`${V}pos_embed`);
  const textPos = await get(`${T}embeddings.position_embeddings.weight`);
  const layers5: Linear[] = [];
  for (const i of [0, 2, 4, 6, 7]) layers5.push(await linear(`mlp.layers.${i}`));
  const head = [foldLinears(layers5)];
  return {
    vision: {
      patchW: await get(`${V}patch_embed.proj.weight`),
      patchB: await get(`${V}patch_embed.proj.bias`),
      cls: await get(`${V}cls_token`),
      pos: { shape: pos.shape.slice(1), data: pos.data },
      blocks,
      lnFinal: await norm(`${V}norm`),
    },
    text: {
      wordEmb: await get(`${T}embeddings.word_embeddings.weight`),
      pos: { shape: [VP_MAX_LENGTH, c.textWidth], data: textPos.data.slice(0, VP_MAX_LENGTH * c.textWidth) },
      embLn: await norm(`${T}embeddings.LayerNorm`),
      layers,
    },
    head,
  };
}

/**
 * ImageReward's MLP head has no activation between its Linear layers (only dropouts), so it is
 * one affine map: x·W0·W1…Wn + (b0·W1…Wn + … + bn). Folded in float64 from the output side, as
 * the Python exporter folds it, so the graph runs one small MatMul instead of five.
 */
export function foldLinears(layers: readonly Linear[]): Linear {
  // m = W_k·…·W_n ([in_k, out]) and c = b_k·W_{k+1}…W_n + … + b_n ([out]), from k = n down to 0.
  const last = layers[layers.length - 1];
  const out = last.w.shape[1];
  let m = Float64Array.from(last.w.data);
  let c = Float64Array.from(last.b.data);
  for (let k = layers.length - 2; k >= 0; k--) {
    const { w, b } = layers[k];
    const [rows, inner] = w.shape;
    const next = new Float64Array(rows * out);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < inner; j++) {
        const a = w.data[r * inner + j];
        for (let o = 0; o < out; o++) next[r * out + o] += a * m[j * out + o];
      }
    }
    const bias = Float64Array.from(c);
    for (let j = 0; j < inner; j++) for (let o = 0; o < out; o++) bias[o] += b.data[j] * m[j * out + o];
    m = next;
    c = bias;
  }
  return { w: { shape: [layers[0].w.shape[0], out], data: Float32Array.from(m) }, b: { shape: [out], data: Float32Array.from(c) } };
}

/** [out, in] → [in, out]. */
function transpose(t: Tensor): Tensor {
  const [rows, cols] = t.shape;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = t.data[r * cols + k];
  return { shape: [cols, rows], data: out };
}

/** timm's fused qkv: rows [0, d) are q, [d, 2d) k, [2d, 3d) v. */
function splitQkv(weight: Tensor, bias: Tensor): Pick<AttentionW, 'q' | 'k' | 'v'> {
  const d = weight.shape[1];
  const part = (i: number): Linear => ({
    w: transpose({ shape: [d, d], data: weight.data.subarray(i * d * d, (i + 1) * d * d) }),
    b: { shape: [d], data: bias.data.subarray(i * d, (i + 1) * d) },
  });
  return { q: part(0), k: part(1), v: part(2) };
}
