// Sizes of the tiny SD-Turbo-shaped family. The I/O contract (names, dtypes, ranks, 4 latent
// channels, latent = image / 8, CLIP ids ≤ 77, VAE scaling 0.18215) is SD-Turbo's; widths, depths and
// the image side are shrunk so all six graphs together stay around 1–2 MB and build in well under a second.

export const IMAGE_SIZE = 64;
export const LATENT_FACTOR = 8;
export const LATENT_SIZE = IMAGE_SIZE / LATENT_FACTOR; // 8
export const LATENT_CHANNELS = 4;
/** CLIP's context length: position embeddings exist for 77 slots, inputs may be shorter. */
export const MAX_TOKENS = 77;
export const SCALING_FACTOR = 0.18215;

/** Text encoder (CLIP-like): heads, pre-LN layers, MLP width; its width D is the shape's `hidden`. */
export const TEXT_HEADS = 2;
export const TEXT_LAYERS = 2;
export const TEXT_MLP = 64;
/** CLIP's LayerNorm epsilon. */
export const TEXT_LN_EPS = 1e-5;

/** UNet: one width everywhere, SD's 32 groups shrunk to 8 (4 channels per group). */
export const UNET_WIDTH = 32;
export const UNET_GROUPS = 8;
export const TIME_FREQS = 16; // sinusoid pairs: a 32-wide timestep embedding
export const TIME_WIDTH = 64;
export const CROSS_HEADS = 2;

/** VAE decoder widths at 8×8 (in + residual block), then after each ×2 upsampling (16, 32, 64 px). */
export const VAE_WIDTH = 32;
export const VAE_UP_WIDTHS = [32, 16, 16] as const;
export const VAE_GROUPS = 8;
/** SD's GroupNorm epsilon (diffusers' UNet and VAE use 1e-5 and 1e-6; one value is enough here). */
export const GN_EPS = 1e-5;

/**
 * The I/O layout of a family's export. sd-tiny has SD-Turbo's public export's; sd-tiny-taesd has
 * the one SDXS-512's onnxruntime-web export is reported to use (int64 ids, a scalar timestep,
 * `noise_pred`, a TAESD decoder `latents` → `image`) with another text width, so every path the
 * real families take runs in tests.
 */
export interface SdShape {
  /** Text encoder width (SD 2.x's 1024, SD 1.x's 768; shrunk to 32 and 48 here). */
  hidden: number;
  ids: 'int32' | 'int64';
  scalarTimestep: boolean;
  unetOut: string;
  decoder: { kind: 'vae' | 'taesd'; scalingFactor: number; outputRange: '[-1,1]' | '[0,1]'; input: string; output: string };
}

export const SD_TURBO_SHAPE: SdShape = {
  hidden: 32, ids: 'int32', scalarTimestep: false, unetOut: 'out_sample',
  decoder: { kind: 'vae', scalingFactor: SCALING_FACTOR, outputRange: '[-1,1]', input: 'latent_sample', output: 'sample' },
};

/** TAESD's contract: latents unscaled, image in [0,1] (madebyollin/taesd's own decoder). */
export const TAESD_SHAPE: SdShape = {
  hidden: 48, ids: 'int64', scalarTimestep: true, unetOut: 'noise_pred',
  decoder: { kind: 'taesd', scalingFactor: 1, outputRange: '[0,1]', input: 'latents', output: 'image' },
};

export interface SdFamilySpec {
  id: string;
  name: string;
  seed: number;
  shape: SdShape;
}

export const SD_TINY: SdFamilySpec = {
  id: 'sd-tiny',
  name: 'SD-Turbo tiny (random weights, for tests)',
  seed: 20250301,
  shape: SD_TURBO_SHAPE,
};

/** The same seeds (so the same decoder weights: both decode one latent to one picture), SDXS's layout. */
export const SD_TINY_TAESD: SdFamilySpec = {
  id: 'sd-tiny-taesd',
  name: 'SDXS-shaped tiny family with a TAESD-style decoder (random weights, for tests)',
  seed: 20250301,
  shape: TAESD_SHAPE,
};
