// SD's training noise schedule, shared with the engine's scheduler (one implementation): the UNet
// graph holds ᾱ_t as a 1000-entry table, so it can turn the int64 timestep into the σ-dependent
// pre-conditioning that makes the random network a sensible denoiser (unet-graph.ts).
export { alphasCumprod, NUM_TRAIN_TIMESTEPS as TRAIN_TIMESTEPS } from '../../src/lib/engine/generate/euler-ancestral.ts';

