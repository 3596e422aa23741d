// The state dict of ImageReward's `ImageReward` module (BLIP ViT + BERT with cross-attention + MLP
// head), loaded by the same strict rules as the Python exporter (tools/vp_checkpoint.py, the
// reference): a `module.` prefix is accepted, keys score() does not use are dropped by name, every
// size is read from the shapes (head counts cannot be: 16/12 by default), and any other missing,
// unexpected or misshapen key is an error naming the keys and shapes.
import { CheckpointError } from '../../../errors.ts';
import type { TensorRef } from '../../../checkpoint/tensor-ref.ts';

export interface ImageRewardConfig {
  imageSize: number;
  patchSize: number;
  visionWidth: number;
  visionDepth: number;
  visionHeads: number;
  visionMlp: number;
  vocabSize: number;
  maxPositions: number;
  textWidth: number;
  textDepth: number;
  textHeads: number;
  textIntermediate: number;
  /** Widths through the MLP head, text width first, 1 last. */
  mlpDims: number[];
}

/** ImageReward v1.0's head counts (BLIP ViT-L/16; bert-base). */
export const DEFAULT_HEADS = { vision: 16, text: 12 } as const;

/** (pattern, why score() does not need it): the same list as tools/vp_checkpoint.py's DROPPED. */
export const DROPPED: readonly [RegExp, string][] = [
  [/^blip\.(vision|text)_proj\.(weight|bias)$/, 'ITC contrastive projections; score() uses the [CLS] feature'],
  [/^.+\.position_ids$/, 'buffer equal to arange(512); positions are recomputed in the graph'],
  [/^blip\.itm_head\.(weight|bias)$/, 'image-text matching head (BLIP pre-training only)'],
  [/^blip\.temp$/, 'ITC temperature (training only)'],
  [/^blip\.(visual_encoder|text_encoder|vision_proj|text_proj)_m\..+$/, 'momentum encoders (training only)'],
  [/^blip\.(image|text|idx|ptr)_queue$/, 'ITC queues (training only)'],
  [/^blip\.text_decoder\..+$/, 'captioning decoder (not on the scoring path)'],
];

const V = 'blip.visual_encoder.';
const T = 'blip.text_encoder.';
/** Where the MLP head's Linear layers sit in its nn.Sequential (dropouts between them). */
const MLP_LAYERS = [0, 2, 4, 6, 7];

/** Every key score() needs, with its shape, for a configuration. */
export function expectedShapes(c: ImageRewardConfig): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const linear = (name: string, out: number, inp: number) => m.set(`${name}.weight`, [out, inp]).set(`${name}.bias`, [out]);
  const norm = (name: string, w: number) => m.set(`${name}.weight`, [w]).set(`${name}.bias`, [w]);
  const vw = c.visionWidth, tw = c.textWidth, grid = c.imageSize / c.patchSize;
  m.set(`${V}cls_token`, [1, 1, vw]).set(`${V}pos_embed`, [1, grid * grid + 1, vw]);
  m.set(`${V}patch_embed.proj.weight`, [vw, 3, c.patchSize, c.patchSize]).set(`${V}patch_embed.proj.bias`, [vw]);
  for (let i = 0; i < c.visionDepth; i++) {
    const b = `${V}blocks.${i}.`;
    norm(`${b}norm1`, vw);
    linear(`${b}attn.qkv`, 3 * vw, vw);
    linear(`${b}attn.proj`, vw, vw);
    norm(`${b}norm2`, vw);
    linear(`${b}mlp.fc1`, c.visionMlp, vw);
    linear(`${b}mlp.fc2`, vw, c.visionMlp);
  }
  norm(`${V}norm`, vw);
  m.set(`${T}embeddings.word_embeddings.weight`, [c.vocabSize, tw]);
  m.set(`${T}embeddings.position_embeddings.weight`, [c.maxPositions, tw]);
  norm(`${T}embeddings.LayerNorm`, tw);
  for (let i = 0; i < c.textDepth; i++) {
    const l = `${T}encoder.layer.${i}.`;
    for (const [part, kvWidth] of [['attention', tw], ['crossattention', vw]] as const) {
      linear(`${l}${part}.self.query`, tw, tw);
      linear(`${l}${part}.self.key`, tw, kvWidth);
      linear(`${l}${part}.self.value`, tw, kvWidth);
      linear(`${l}${part}.output.dense`, tw, tw);
      norm(`${l}${part}.output.LayerNorm`, tw);
    }
    linear(`${l}intermediate.dense`, c.textIntermediate, tw);
    linear(`${l}output.dense`, tw, c.textIntermediate);
    norm(`${l}output.LayerNorm`, tw);
  }
  MLP_LAYERS.forEach((layer, i) => linear(`mlp.layers.${layer}`, c.mlpDims[i + 1], c.mlpDims[i]));
  return m;
}

export interface ImageRewardWeights {
  config: ImageRewardConfig;
  /** The tensors score() uses, by their name without any `module.` prefix. */
  tensors: Map<string, TensorRef>;
  /** Names left out by DROPPED. */
  dropped: string[];
}

/** Check a checkpoint's tensors against the architecture; nothing is read but names and shapes. */
export function loadImageReward(refs: readonly TensorRef[], heads: { vision: number; text: number } = DEFAULT_HEADS): ImageRewardWeights {
  const prefixed = refs.length > 0 && refs.every((t) => t.name.startsWith('module.'));
  const tensors = new Map<string, TensorRef>();
  const dropped: string[] = [];
  for (const t of refs) {
    const name = prefixed ? t.name.slice('module.'.length) : t.name;
    if (DROPPED.some(([re]) => re.test(name))) dropped.push(name);
    else tensors.set(name, t);
  }
  const shapes = new Map([...tensors].map(([k, t]) => [k, t.shape]));
  const config = inferConfig(shapes, heads);
  checkKeys(expectedShapes(config), shapes);
  return { config, tensors, dropped };
}

/** A shape as the Python exporter prints it ("[64, 128]"), so both give the same messages. */
const list = (s: readonly number[]) => `[${s.join(', ')}]`;

function shapeOf(shapes: Map<string, number[]>, key: string, why: string): number[] {
  const s = shapes.get(key);
  if (!s) throw new CheckpointError(`missing key ${key} (needed to infer ${why})`);
  return s;
}

function depth(shapes: Map<string, number[]>, prefix: string): number {
  const idx = [...shapes.keys()].filter((k) => k.startsWith(prefix)).map((k) => Number(/^(\d+)\./.exec(k.slice(prefix.length))?.[1]));
  const found = idx.filter(Number.isInteger);
  if (!found.length) throw new CheckpointError(`no keys ${prefix}N.* found (needed to infer the depth)`);
  return Math.max(...found) + 1;
}

/** Every size from the shapes, except the head counts, which shapes cannot tell. */
export function inferConfig(shapes: Map<string, number[]>, heads: { vision: number; text: number }): ImageRewardConfig {
  const pe = shapeOf(shapes, `${V}patch_embed.proj.weight`, 'the patch size');
  const pos = shapeOf(shapes, `${V}pos_embed`, 'the image size');
  const grid = Math.floor(Math.sqrt(pos[1] - 1));
  const we = shapeOf(shapes, `${T}embeddings.word_embeddings.weight`, 'vocab and text width');
  const mlp = MLP_LAYERS.map((i) => shapeOf(shapes, `mlp.layers.${i}.weight`, 'the MLP head'));
  const c: ImageRewardConfig = {
    imageSize: grid * pe[pe.length - 1], patchSize: pe[pe.length - 1], visionWidth: pe[0],
    visionDepth: depth(shapes, `${V}blocks.`), visionHeads: heads.vision,
    visionMlp: shapeOf(shapes, `${V}blocks.0.mlp.fc1.weight`, 'the ViT MLP width')[0],
    vocabSize: we[0], textWidth: we[1],
    maxPositions: shapeOf(shapes, `${T}embeddings.position_embeddings.weight`, 'max positions')[0],
    textDepth: depth(shapes, `${T}encoder.layer.`), textHeads: heads.text,
    textIntermediate: shapeOf(shapes, `${T}encoder.layer.0.intermediate.dense.weight`, 'BERT FFN width')[0],
    mlpDims: [mlp[0][1], ...mlp.map((w) => w[0])],
  };
  const problems: string[] = [];
  if (grid * grid !== pos[1] - 1 || c.imageSize !== 224) {
    problems.push(`${V}pos_embed ${list(pos)} with patch ${c.patchSize} is not a 224x224 ViT (the VP-Score contract)`);
  }
  if (c.visionWidth % heads.vision) problems.push(`vision width ${c.visionWidth} is not divisible by the vision head count ${heads.vision}`);
  if (c.textWidth % heads.text) problems.push(`text width ${c.textWidth} is not divisible by the text head count ${heads.text}`);
  if (c.maxPositions < 35) problems.push(`${c.maxPositions} text positions < the 35 tokens of the contract`);
  if (c.mlpDims[0] !== c.textWidth || c.mlpDims[c.mlpDims.length - 1] !== 1) {
    problems.push(`MLP head ${list(c.mlpDims)} must map the text width ${c.textWidth} to 1`);
  }
  if (problems.length) throw new CheckpointError(problems.join('; '));
  return c;
}

/** Names and shapes, strictly; the error lists every offending key. */
export function checkKeys(expected: Map<string, number[]>, found: Map<string, number[]>): void {
  const missing = [...expected.keys()].filter((k) => !found.has(k)).sort();
  const unexpected = [...found.keys()].filter((k) => !expected.has(k)).sort();
  const misshapen = [...expected.keys()].filter((k) => found.has(k) && String(found.get(k)) !== String(expected.get(k))).sort();
  if (!missing.length && !unexpected.length && !misshapen.length) return;
  const lines: string[] = [];
  if (missing.length) lines.push(`${missing.length} missing key(s): ${missing.join(', ')}`);
  if (unexpected.length) {
    lines.push(`${unexpected.length} unexpected key(s) (neither used by score() nor in the drop list): ${unexpected.join(', ')}`);
  }
  for (const k of misshapen) lines.push(`misshapen key ${k}: expected ${list(expected.get(k)!)}, found ${list(found.get(k)!)}`);
  throw new CheckpointError(`checkpoint does not match the ImageReward architecture:\n  ${lines.join('\n  ')}`);
}
