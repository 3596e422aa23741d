// The diffusion folders `npm run models` writes, relative to the repo root (generated, gitignored).
import { SD_TINY } from './config.ts';
import type { UnetContract } from './unet-graph.ts';
import type { FloatVariant } from './typed-graph.ts';

export interface SdFolderSpec {
  id: string;
  name: string;
  dir: string;
  contract: UnetContract;
  variants: FloatVariant[];
}

export const SD_FOLDERS: SdFolderSpec[] = [
  // Served by Vite as /models/sd-tiny/: the built-in diffusion family.
  { id: SD_TINY.id, name: SD_TINY.name, dir: 'public/models/sd-tiny', contract: 'real', variants: ['fp32', 'fp16'] },
  // sd-tiny's weights, but the UNet takes timestep as float32: the engine must refuse it.
  {
    id: 'sd-bad-contract',
    name: 'SD-Turbo tiny with a broken contract (float32 timestep, for tests)',
    dir: 'models/out/sd-bad-contract',
    contract: 'bad',
    variants: ['fp32'],
  },
];
