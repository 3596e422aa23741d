// SD's training noise schedule ("scaled_linear": β linear in √β from 0.00085 to 0.012 over 1000
// steps). The UNet graph holds ᾱ_t as a 1000-entry table, so it can turn the int64 timestep into
// the σ-dependent pre-conditioning that makes the random network a sensible denoiser (unet-graph.ts).

export const TRAIN_TIMESTEPS = 1000;
const BETA_START = 0.00085;
const BETA_END = 0.012;

/** ᾱ_t = Π_{s≤t} (1 − β_s), in float64. σ_t = √((1 − ᾱ_t) / ᾱ_t); σ_999 = 14.6146. */
export function alphasCumprod(): Float64Array {
  const out = new Float64Array(TRAIN_TIMESTEPS);
  const a = Math.sqrt(BETA_START);
  const b = Math.sqrt(BETA_END);
  let prod = 1;
  for (let t = 0; t < TRAIN_TIMESTEPS; t++) {
    const sqrtBeta = a + ((b - a) * t) / (TRAIN_TIMESTEPS - 1);
    prod *= 1 - sqrtBeta * sqrtBeta;
    out[t] = prod;
  }
  return out;
}

export const sigmaAt = (alphaBar: number) => Math.sqrt((1 - alphaBar) / alphaBar);
