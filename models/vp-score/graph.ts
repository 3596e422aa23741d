// The whole VP-Score graph with the real contract: pixel_values f32 [batch,3,224,224],
// input_ids i64 [batch,35], attention_mask i64 [batch,35] → reward f32 [batch,1].
import { DT, GraphBuilder } from '../onnx-graph.ts';
import { IMAGE_SIZE, MAX_LENGTH, type VpConfig } from './config.ts';
import { linear } from './graph-ops.ts';
import { textEncoder } from './text-graph.ts';
import { visionEncoder } from './vision-graph.ts';
import type { VpWeights } from './weights.ts';

/** 'bad' breaks the contract on purpose (int32 input_ids, no attention_mask) for ContractError tests. */
export type ContractVariant = 'real' | 'bad';

export function buildVpGraph(cfg: VpConfig, w: VpWeights, variant: ContractVariant = 'real'): Uint8Array {
  const b = new GraphBuilder();
  const pixels = b.input('pixel_values', DT.float, ['batch', 3, IMAGE_SIZE, IMAGE_SIZE]);
  const ids = b.input('input_ids', variant === 'real' ? DT.int64 : DT.int32, ['batch', MAX_LENGTH]);
  const mask = variant === 'real' ? b.input('attention_mask', DT.int64, ['batch', MAX_LENGTH]) : undefined;

  const image = visionEncoder(b, cfg, w.vision, pixels);
  let x = textEncoder(b, cfg, w.text, ids, mask, image);
  // ImageReward's MLP head is Linear layers with no activation between them (so it is one linear
  // map in effect); kept layer by layer to match the real graph's structure.
  w.head.forEach((lin, i) => {
    x = linear(b, `head.${i}`, lin, x);
  });
  b.op('Identity', [x], {}, 'reward');
  b.output('reward', DT.float, ['batch', 1]);
  const doc = `PrefLens tiny VP-Score "${cfg.id}" (${variant} contract): seeded random weights, for tests only.`;
  return b.encode(`${cfg.id}${variant === 'bad' ? '-bad-contract' : ''}`, doc);
}
