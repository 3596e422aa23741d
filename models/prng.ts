// Seeded randomness for the test models. Math.random cannot be seeded, and the builds must be
// byte-identical across runs and machines, so weights come from this generator only.
// The algorithm (mulberry32 + Box–Muller, float32 output) lives in the engine, which draws the
// diffusion latents from the same stream; this file only keeps the builders' import path and name.
export {
  GaussianNoise as Gaussian,
  mulberry32,
} from '../src/lib/engine/generate/gaussian-noise.ts';
