// The diffusion folders `npm run models` writes, relative to the repo root (generated, gitignored).
import { SD_TINY, SD_TINY_TAESD, type SdFamilySpec } from './config.ts';
import type { UnetContract } from './unet-graph.ts';
import type { FloatVariant } from './typed-graph.ts';

export interface SdFolderSpec {
  id: string;
  name: string;
  dir: string;
  /** The family whose weights and I/O layout the folder has. */
  family: SdFamilySpec;
  contract: UnetContract;
  variants: FloatVariant[];
  /** Also a fast preview decoder (manifest `previewDecoder`): a TAESD-contract graph with its own weights. */
  preview?: boolean;
}

export const SD_FOLDERS: SdFolderSpec[] = [
  // Served by Vite as /models/sd-tiny/: the built-in diffusion family.
  { id: SD_TINY.id, name: SD_TINY.name, dir: 'public/models/sd-tiny', family: SD_TINY, contract: 'real', variants: ['fp32', 'fp16'] },
  // SDXS's layout with a TAESD-style decoder and a 48-wide text encoder (config.ts TAESD_SHAPE).
  { id: SD_TINY_TAESD.id, name: SD_TINY_TAESD.name, dir: 'models/out/sd-tiny-taesd', family: SD_TINY_TAESD, contract: 'real', variants: ['fp32', 'fp16'] },
  // sd-tiny with a fast preview decoder next to its VAE, as PrefLens's SD-Turbo manifest offers TAESD.
  { id: 'sd-tiny-preview', name: 'SD-Turbo tiny with a fast preview decoder (random weights, for tests)', dir: 'models/out/sd-tiny-preview', family: SD_TINY, contract: 'real', variants: ['fp32', 'fp16'], preview: true },
  // sd-tiny's weights, but the UNet takes timestep as float32: the engine must refuse it.
  {
    id: 'sd-bad-contract',
    name: 'SD-Turbo tiny with a broken contract (float32 timestep, for tests)',
    dir: 'models/out/sd-bad-contract',
    family: SD_TINY,
    contract: 'bad',
    variants: ['fp32'],
  },
];
