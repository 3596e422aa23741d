// Seeded randomness for the test models. Math.random cannot be seeded, and the builds must be
// byte-identical across runs and machines, so weights come from this generator only.

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): one uint32 of state, period 2^32, good enough
 * statistical quality for initialising weights, and it uses only 32-bit integer ops (Math.imul),
 * so every JS engine produces exactly the same stream.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296; // uniform in [0, 1)
  };
}

/**
 * Standard normal samples by Box–Muller. Both outputs of a pair are used; `1 - u` keeps the log
 * argument in (0, 1] so it never sees 0. Math.log/cos/sin are not required to be correctly rounded,
 * but V8 is the only engine that builds these files, and the values are rounded to float32 anyway.
 */
export class Gaussian {
  readonly #uniform: () => number;
  #spare: number | null = null;

  constructor(seed: number) {
    this.#uniform = mulberry32(seed);
  }

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

  /** `n` samples of N(0, std²), rounded to float32 (the precision the graph stores). */
  fill(n: number, std: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() * std;
    return out;
  }
}
