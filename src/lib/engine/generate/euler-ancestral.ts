// diffusers' EulerAncestralDiscreteScheduler as stabilityai/sd-turbo configures it
// (scheduler_config.json: 1000 train steps, scaled_linear betas 0.00085 → 0.012, epsilon
// prediction, "trailing" timestep spacing), for the 1–4 steps SD-Turbo is distilled for.
// Pure functions over Float32Array so the generator loop owns the state (step index, cancel).
//
// Precision: diffusers builds the beta/sigma table in float32 with torch and stores float32
// sigmas. We compute it in float64. Emulating torch's float32 path in numpy gives sigmas that
// differ from ours by ≤ 1.3e-5 relative over the whole table (≈ 5e-7 at t = 999), far below what
// a float16 UNet resolves, and float64 needs no torch-specific rounding to reproduce.
import type { GaussianNoise } from './gaussian-noise.ts';
import { MAX_STEPS, MIN_STEPS } from './generate-request.ts';

export const NUM_TRAIN_TIMESTEPS = 1000;
const BETA_START = 0.00085;
const BETA_END = 0.012;

export interface Schedule {
  /** UNet timesteps, descending (e.g. [999, 499] for 2 steps); pass as int64. */
  timesteps: number[];
  /** σ at each timestep, then a final 0: length steps + 1. Step k goes sigmas[k] → sigmas[k+1]. */
  sigmas: number[];
  /** Std of the initial latents: σ_max for "trailing" spacing (14.6146… for SD-Turbo). */
  initNoiseSigma: number;
}

let trainSigmas: Float64Array | null = null;

/**
 * ᾱ_t = Π_{s≤t} (1 − β_s) for t = 0…999, betas = linspace(√β_start, √β_end, 1000)² ("scaled_linear").
 * The tiny UNet builder (models/sd-tiny) bakes the same table into its graph.
 */
export function alphasCumprod(): Float64Array {
  const table = new Float64Array(NUM_TRAIN_TIMESTEPS);
  const lo = Math.sqrt(BETA_START);
  const hi = Math.sqrt(BETA_END);
  const delta = (hi - lo) / (NUM_TRAIN_TIMESTEPS - 1);
  let alphaBar = 1;
  for (let t = 0; t < NUM_TRAIN_TIMESTEPS; t++) {
    // np.linspace's arithmetic: start + i·step, with the endpoint pinned to stop.
    const sqrtBeta = t === NUM_TRAIN_TIMESTEPS - 1 ? hi : t * delta + lo;
    alphaBar *= 1 - sqrtBeta * sqrtBeta;
    table[t] = alphaBar;
  }
  return table;
}

/** σ_t = sqrt((1 − ᾱ_t) / ᾱ_t), built once on first use (no import-time work). */
function sigmaTable(): Float64Array {
  trainSigmas ??= alphasCumprod().map((a) => Math.sqrt((1 - a) / a));
  return trainSigmas;
}

/** numpy's round (half to even); JS Math.round rounds halves up. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** SD-Turbo timesteps and sigmas for `steps` ∈ 1…4. */
export function sdTurboSchedule(steps: number): Schedule {
  if (!Number.isInteger(steps) || steps < MIN_STEPS || steps > MAX_STEPS) {
    throw new RangeError(`SD-Turbo steps must be an integer from ${MIN_STEPS} to ${MAX_STEPS}, got ${steps}`);
  }
  // "trailing": round(arange(1000, 0, −1000/steps)) − 1, as np.arange computes its elements
  // (start + i·step), so 3 steps give [999, 666, 332].
  const ratio = NUM_TRAIN_TIMESTEPS / steps;
  const timesteps: number[] = [];
  for (let i = 0; i < steps; i++) {
    timesteps.push(roundHalfEven(NUM_TRAIN_TIMESTEPS + i * -ratio) - 1);
  }
  // diffusers interpolates the table at the timesteps; they are integers, so that is indexing.
  const table = sigmaTable();
  const sigmas = [...timesteps.map((t) => table[t]), 0];
  return { timesteps, sigmas, initNoiseSigma: Math.max(...sigmas) };
}

/** The UNet input at noise level σ: sample / sqrt(σ² + 1). Returns a new array. */
export function scaleModelInput(sample: Float32Array, sigma: number): Float32Array {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) {
    throw new RangeError(`sigma must be a finite number ≥ 0, got ${sigma}`);
  }
  const norm = Math.sqrt(sigma * sigma + 1);
  const out = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) out[i] = sample[i] / norm;
  return out;
}

/**
 * One ancestral Euler step σ_from → σ_to for an epsilon-predicting model (k-diffusion's
 * sample_euler_ancestral with η = 1, as diffusers implements it):
 *   x0 = x − σ_from·ε;  σ_up = sqrt(σ_to²(σ_from² − σ_to²)/σ_from²);  σ_down = sqrt(σ_to² − σ_up²)
 *   x' = x + ((x − x0)/σ_from)·(σ_down − σ_from) + z·σ_up,  z ~ N(0, 1) from `noise`.
 * On the last step (σ_to = 0) σ_up is 0 and x' is x0 exactly, so x0 is returned and no noise is
 * drawn: the generator is left untouched (diffusers draws and discards a tensor there; our stream
 * is not torch's anyway, so nothing is gained by wasting samples).
 * Noise is drawn in element order as float32 (`noise.fill`), the portable form of the stream.
 */
export function eulerAncestralStep(
  sample: Float32Array,
  eps: Float32Array,
  sigmaFrom: number,
  sigmaTo: number,
  noise: GaussianNoise,
): Float32Array {
  if (eps.length !== sample.length) {
    throw new RangeError(`model output has ${eps.length} values but the sample has ${sample.length}`);
  }
  if (!(sigmaFrom > 0) || !Number.isFinite(sigmaFrom)) {
    throw new RangeError(`sigmaFrom must be a finite number > 0, got ${sigmaFrom}`);
  }
  if (!(sigmaTo >= 0 && sigmaTo <= sigmaFrom)) {
    throw new RangeError(`sigmaTo must be in [0, sigmaFrom = ${sigmaFrom}], got ${sigmaTo}`);
  }
  const n = sample.length;
  const out = new Float32Array(n);
  if (sigmaTo === 0) {
    for (let i = 0; i < n; i++) out[i] = sample[i] - sigmaFrom * eps[i];
    return out;
  }
  const from2 = sigmaFrom * sigmaFrom;
  const to2 = sigmaTo * sigmaTo;
  const sigmaUp = Math.sqrt((to2 * (from2 - to2)) / from2);
  // Clamp: to2 − sigmaUp² can round to a tiny negative when σ_to ≈ σ_from.
  const sigmaDown = Math.sqrt(Math.max(0, to2 - sigmaUp * sigmaUp));
  const dt = sigmaDown - sigmaFrom;
  const z = noise.fill(n);
  for (let i = 0; i < n; i++) {
    const x = sample[i];
    const x0 = x - sigmaFrom * eps[i];
    const derivative = (x - x0) / sigmaFrom;
    out[i] = x + derivative * dt + z[i] * sigmaUp;
  }
  return out;
}
