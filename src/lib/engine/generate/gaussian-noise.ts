// The one seeded generator behind every random number PrefLens draws: diffusion latents, the
// ancestral noise of multi-step sampling, and (through models/prng.ts) the weights of the tiny
// test models. Math.random cannot be seeded, and a candidate must look the same in the browser,
// in Node tests and in the CLI, so the stream is defined here, bit for bit.
//
// Why the output is float32 and why that makes it portable:
// - The uniforms come from mulberry32, which uses only 32-bit integer ops (Math.imul, shifts,
//   xor), so every conforming JS engine produces exactly the same uint32 stream.
// - The normals use Box–Muller in float64. ECMAScript does not require Math.log/cos/sin to be
//   correctly rounded, so two engines could in principle differ in the last float64 bit. V8
//   (Node and Chromium, the only engines we ship to and test on) uses one fdlibm port for all
//   three, so there the float64 values are already identical.
// - Each normal is then rounded to float32, which drops 29 bits. A 1-ulp float64 difference
//   changes the float32 result only when the exact value sits within that ulp of a float32
//   rounding boundary: probability ~2^-29 per sample (one sample in ~500 M), and even then by one
//   float32 ulp. So the float32 latents agree bit for bit across engines in practice, and the
//   tests pin them against an independent (glibc-libm) computation.
// This is not torch's generator: the same seed gives different latents than diffusers would.

const UINT32_RANGE = 4294967296; // 2^32

/** Throws unless `seed` is an integer in [0, 2^32 − 1]; `what` names it in the message. */
export function assertSeed(seed: number, what = 'seed'): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= UINT32_RANGE) {
    throw new RangeError(`${what} must be an integer in [0, 4294967295] (a uint32), got ${seed}`);
  }
}

/**
 * mulberry32 (Tommy Ettinger, 2017): one uint32 of state, period 2^32. Statistically fine for
 * noise and weight initialisation, and exact everywhere (integer ops only).
 * Returns uniforms in [0, 1), each a uint32 / 2^32.
 */
export function mulberry32(seed: number): () => number {
  assertSeed(seed);
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / UINT32_RANGE;
  };
}

/**
 * Standard normal samples by Box–Muller over mulberry32. Both values of a pair are used (cos
 * first, then sin), so each pair consumes two uniforms. `1 − u` keeps the log argument in
 * (0, 1], so log never sees 0. The draw order is part of the contract: the tiny models' weights
 * and every saved seed depend on it.
 */
export class GaussianNoise {
  readonly #uniform: () => number;
  #spare: number | null = null;

  /** `seed` must be a uint32 (see `assertSeed`). */
  constructor(seed: number) {
    this.#uniform = mulberry32(seed);
  }

  /** One N(0, 1) sample in float64 (prefer `fill`, whose float32 output is the portable one). */
  next(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.#uniform()));
    const theta = 2 * Math.PI * this.#uniform();
    this.#spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * The next `n` samples of N(0, std²), each rounded to float32 once, after the multiply (the
   * model builders rely on that order; with std = 1 the multiply is exact).
   */
  fill(n: number, std = 1): Float32Array {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`sample count must be a non-negative integer, got ${n}`);
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() * std;
    return out;
  }
}

/**
 * Unit-variance latent noise for one image, in row-major order of `shape` (e.g. [1, 4, 64, 64]).
 * The caller scales by the scheduler's init sigma; keeping that out of here lets the same seed
 * serve any scheduler.
 */
export function latentNoise(seed: number, shape: readonly number[]): Float32Array {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d <= 0) {
      throw new RangeError(`latent shape must be positive integers, got [${shape.join(', ')}]`);
    }
    n *= d;
  }
  return new GaussianNoise(seed).fill(n);
}
