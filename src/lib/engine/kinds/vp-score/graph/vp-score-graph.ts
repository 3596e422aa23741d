// The whole VP-Score graph with the real contract: pixel_values f32 [batch,3,224,224],
// input_ids i64 [batch,35], attention_mask i64 [batch,35] → reward f32 [batch,1].
import { DT, GraphBuilder, type BuiltModel } from '../../../convert/graph-builder.ts';
import { VP_IMAGE_SIZE, VP_MAX_LENGTH } from '../manifest.ts';
import { linear } from './graph-ops.ts';
import { textEncoder } from './text-encoder.ts';
import { visionEncoder } from './vision-encoder.ts';
import type { VpWeights, Weight } from './vp-weights.ts';

/** What the graph needs besides its weights: a name, the head counts (shapes cannot tell them), a doc string. */
export interface VpGraphSpec {
  id: string;
  visionHeads: number;
  textHeads: number;
}

/** 'bad' breaks the contract on purpose (int32 input_ids, no attention_mask) for ContractError tests. */
export type ContractVariant = 'real' | 'bad';

export function buildVpGraph(cfg: VpGraphSpec, w: VpWeights<Weight>, doc: string, variant: ContractVariant = 'real'): Uint8Array {
  return vpGraph(cfg, w, variant).encode(graphName(cfg, variant), doc);
}

/** The same graph as protobuf objects, its lazy weights unread (the streamed import writes them one by one). */
export function buildVpModel(cfg: VpGraphSpec, w: VpWeights<Weight>, doc: string): BuiltModel {
  return vpGraph(cfg, w, 'real').build(graphName(cfg, 'real'), doc);
}

const graphName = (cfg: VpGraphSpec, variant: ContractVariant) => `${cfg.id}${variant === 'bad' ? '-bad-contract' : ''}`;

function vpGraph(cfg: VpGraphSpec, w: VpWeights<Weight>, variant: ContractVariant): GraphBuilder {
  const b = new GraphBuilder();
  const pixels = b.input('pixel_values', DT.float, ['batch', 3, VP_IMAGE_SIZE, VP_IMAGE_SIZE]);
  const ids = b.input('input_ids', variant === 'real' ? DT.int64 : DT.int32, ['batch', VP_MAX_LENGTH]);
  const mask = variant === 'real' ? b.input('attention_mask', DT.int64, ['batch', VP_MAX_LENGTH]) : undefined;

  const image = visionEncoder(b, cfg.visionHeads, w.vision, pixels);
  let x = textEncoder(b, cfg.textHeads, w.text, ids, mask, image);
  // ImageReward's MLP head is Linear layers with no activation between them (so it is one linear
  // map in effect); kept layer by layer to match the real graph's structure.
  w.head.forEach((lin, i) => {
    x = linear(b, `head.${i}`, lin, x);
  });
  b.op('Identity', [x], {}, 'reward');
  b.output('reward', DT.float, ['batch', 1]);
  return b;
}
