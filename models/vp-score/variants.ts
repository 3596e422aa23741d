// The folders `npm run models` writes, relative to the repo root. All are generated and gitignored.
import { VP_TINY, VP_TINY_WIDE, type VpConfig } from './config.ts';
import type { ContractVariant } from '../../src/lib/engine/kinds/vp-score/graph/vp-score-graph.ts';

export interface FolderSpec {
  config: VpConfig;
  dir: string;
  variant: ContractVariant;
  /** Id of an earlier folder with identical weights, whose calibration is reused. */
  weightsOf?: string;
}

export const FOLDERS: FolderSpec[] = [
  // Served by Vite as /models/vp-tiny/: the built-in default model.
  { config: VP_TINY, dir: 'public/models/vp-tiny', variant: 'real' },
  // Loaded as "the user's own model folder" in tests.
  { config: VP_TINY_WIDE, dir: 'models/out/vp-tiny-wide', variant: 'real' },
  // vp-tiny's weights behind a wrong contract (int32 input_ids, no attention_mask).
  {
    config: { ...VP_TINY, id: 'vp-bad-contract', name: 'VP-Score with a broken contract (for tests)' },
    dir: 'models/out/vp-bad-contract',
    variant: 'bad',
    weightsOf: VP_TINY.id,
  },
];
