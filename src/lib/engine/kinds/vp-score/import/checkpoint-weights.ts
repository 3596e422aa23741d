// A checked ImageReward state dict (image-reward-layout.ts) as the graph writer's weights
// (kinds/vp-score/graph/vp-weights.ts): PyTorch's Linear weights [out, in] transposed to the
// [in, out] MatMul takes, the ViT's fused qkv split, the position table cut to the 35 slots the
// contract feeds. Every weight is lazy: read (synchronously, by byte range) and reshaped only when
// the writer asks for its bytes, so one tensor at a time is in memory. The MLP head is the
// exception: it is read now and folded into one small Linear.
import { VP_MAX_LENGTH } from '../manifest.ts';
import type { LazyTensor } from '../../../convert/graph-builder.ts';
import type {
  AttentionW, LayerNormW, Linear, Tensor, TextLayerW, VisionBlockW, VpWeights,
} from '../graph/vp-weights.ts';
import type { ImageRewardWeights } from './image-reward-layout.ts';

const V = 'blip.visual_encoder.';
const T = 'blip.text_encoder.';

export function imageRewardWeights(w: ImageRewardWeights): VpWeights<LazyTensor> {
  const c = w.config;
  const get = (name: string): LazyTensor => {
    const t = w.tensors.get(name)!; // loadImageReward checked every name and shape
    return { shape: t.shape, load: () => t.readSync() as Float32Array };
  };
  const linear = (name: string): Linear<LazyTensor> => ({ w: transposed(get(`${name}.weight`)), b: get(`${name}.bias`) });
  const norm = (name: string): LayerNormW<LazyTensor> => ({ gamma: get(`${name}.weight`), beta: get(`${name}.bias`) });

  const blocks: VisionBlockW<LazyTensor>[] = [];
  for (let i = 0; i < c.visionDepth; i++) {
    const b = `${V}blocks.${i}.`;
    blocks.push({
      ln1: norm(`${b}norm1`),
      attn: { ...splitQkv(get(`${b}attn.qkv.weight`), get(`${b}attn.qkv.bias`)), o: linear(`${b}attn.proj`) },
      ln2: norm(`${b}norm2`),
      fc1: linear(`${b}mlp.fc1`),
      fc2: linear(`${b}mlp.fc2`),
    });
  }
  const attention = (p: string): AttentionW<LazyTensor> => ({
    q: linear(`${p}.self.query`), k: linear(`${p}.self.key`), v: linear(`${p}.self.value`), o: linear(`${p}.output.dense`),
  });
  const layers: TextLayerW<LazyTensor>[] = [];
  for (let i = 0; i < c.textDepth; i++) {
    const l = `${T}encoder.layer.${i}.`;
    layers.push({
      self: attention(`${l}attention`), selfLn: norm(`${l}attention.output.LayerNorm`),
      cross: attention(`${l}crossattention`), crossLn: norm(`${l}crossattention.output.LayerNorm`),
      fc1: linear(`${l}intermediate.dense`), fc2: linear(`${l}output.dense`), ffnLn: norm(`${l}output.LayerNorm`),
    });
  }
  const pos = get(`${V}pos_embed`);
  const textPos = get(`${T}embeddings.position_embeddings.weight`);
  const head = foldLinears([0, 2, 4, 6, 7].map((i) => {
    const lin = linear(`mlp.layers.${i}`);
    return { w: loaded(lin.w), b: loaded(lin.b) };
  }));
  return {
    vision: {
      patchW: get(`${V}patch_embed.proj.weight`),
      patchB: get(`${V}patch_embed.proj.bias`),
      cls: get(`${V}cls_token`),
      pos: { shape: pos.shape.slice(1), load: pos.load },
      blocks,
      lnFinal: norm(`${V}norm`),
    },
    text: {
      wordEmb: get(`${T}embeddings.word_embeddings.weight`),
      pos: { shape: [VP_MAX_LENGTH, c.textWidth], load: () => textPos.load().slice(0, VP_MAX_LENGTH * c.textWidth) },
      embLn: norm(`${T}embeddings.LayerNorm`),
      layers,
    },
    head: [{ w: lazy(head.w), b: lazy(head.b) }],
  };
}

const loaded = (t: LazyTensor): Tensor => ({ shape: t.shape, data: t.load() });
const lazy = (t: Tensor): LazyTensor => ({ shape: t.shape, load: () => t.data });

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

/** [out, in] → [in, out], when loaded. */
function transposed(t: LazyTensor): LazyTensor {
  const [rows, cols] = t.shape;
  return { shape: [cols, rows], load: () => transpose(t.load(), rows, cols) };
}

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = data[r * cols + k];
  return out;
}

/** timm's fused qkv: rows [0, d) are q, [d, 2d) k, [2d, 3d) v (each part reads the fused tensor when loaded). */
function splitQkv(weight: LazyTensor, bias: LazyTensor): Pick<AttentionW<LazyTensor>, 'q' | 'k' | 'v'> {
  const d = weight.shape[1];
  const part = (i: number): Linear<LazyTensor> => ({
    w: { shape: [d, d], load: () => transpose(weight.load().subarray(i * d * d, (i + 1) * d * d), d, d) },
    b: { shape: [d], load: () => bias.load().slice(i * d, (i + 1) * d) },
  });
  return { q: part(0), k: part(1), v: part(2) };
}
