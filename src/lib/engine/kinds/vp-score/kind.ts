// The VP-Score kind (ImageReward's architecture: BLIP ViT-L/16 + BERT with cross-attention + MLP
// head) as a registry row: a judge whose shown score is the reward normalised by the set's mean/std.
import type { JudgeKind } from '../model-kind.ts';
import { withData } from '../../model-files/file-entry.ts';
import { externalBytes } from '../../runtime/ort-session.ts';
import { chooseVpDtype } from './dtype.ts';
import { readVpScoreFolder } from './folder.ts';
import { parseVpManifest, vpDtypes, vpModelEntry, vpTokenizerEntry, type VpDtype, type VpScoreManifest } from './manifest.ts';
import { VpScorer } from './scorer.ts';

export const VP_SCORE_KIND: JudgeKind<VpScoreManifest> = {
  kind: 'vp-score',
  role: 'judge',
  label: 'Reward model (VP-Score)',
  parse: parseVpManifest,
  variants: vpDtypes,
  plan(m, d, forced) {
    const variant = chooseVpDtype(m, d.ep, d.shaderF16, forced as VpDtype | undefined);
    const graph = vpModelEntry(m, variant);
    return { variant, graphs: [graph], files: [...withData(graph), vpTokenizerEntry(m)] };
  },
  async open(read, origin, m, variant, d) {
    const folder = await readVpScoreFolder(read, origin, m, variant as VpDtype);
    const judge = await VpScorer.load(folder, d.ep);
    return { judge, variant, modelBytes: folder.modelBytes.byteLength + externalBytes(folder.externalData ?? []) };
  },
};
