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

/** Text encoder (CLIP-like): width D, heads, pre-LN layers, MLP width. */
export const HIDDEN = 32;
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

export interface SdFamilySpec {
  id: string;
  name: string;
  seed: number;
}

export const SD_TINY: SdFamilySpec = {
  id: 'sd-tiny',
  name: 'SD-Turbo tiny (random weights, for tests)',
  seed: 20250301,
};
