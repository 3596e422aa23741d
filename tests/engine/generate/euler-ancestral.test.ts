import { describe, expect, it } from 'vitest';
import {
  eulerAncestralStep,
  scaleModelInput,
  sdTurboSchedule,
} from '../../../src/lib/engine/generate/euler-ancestral.ts';
import { GaussianNoise } from '../../../src/lib/engine/generate/gaussian-noise.ts';

/** σ_t straight from the definition, in float64: β_t = (√β₀ + (√β₁ − √β₀)·t/999)², ᾱ_t = Π(1 − β). */
function referenceSigma(t: number): number {
  let alphaBar = 1;
  for (let s = 0; s <= t; s++) {
    const sqrtBeta = Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * s) / 999;
    alphaBar *= 1 - sqrtBeta ** 2;
  }
  return Math.sqrt((1 - alphaBar) / alphaBar);
}

function randomArray(seed: number, n: number, scale: number): Float32Array {
  return new GaussianNoise(seed).fill(n, scale);
}

describe('sdTurboSchedule', () => {
  it('uses diffusers "trailing" timesteps', () => {
    expect(sdTurboSchedule(1).timesteps).toEqual([999]);
    expect(sdTurboSchedule(2).timesteps).toEqual([999, 499]);
    expect(sdTurboSchedule(3).timesteps).toEqual([999, 666, 332]);
    expect(sdTurboSchedule(4).timesteps).toEqual([999, 749, 499, 249]);
  });

  it('has σ(999) = 14.6146… and init noise sigma = σ_max', () => {
    const s = sdTurboSchedule(1);
    expect(s.sigmas).toHaveLength(2);
    expect(s.sigmas[1]).toBe(0);
    expect(Math.abs(s.sigmas[0] - 14.6146)).toBeLessThan(1e-4);
    expect(s.initNoiseSigma).toBe(s.sigmas[0]);
  });

  it('matches sigmas recomputed from the β formula, and numpy float64', () => {
    // numpy: b = linspace(√0.00085, √0.012, 1000)²; ac = cumprod(1 − b); sqrt((1 − ac)/ac).
    const numpy: Record<number, number> = {
      999: 14.614641229333639,
      749: 4.081729363724308,
      666: 2.9183071154268285,
      499: 1.612886194303876,
      332: 0.9292144332132185,
      249: 0.6932048996386885,
    };
    for (const steps of [1, 2, 3, 4]) {
      const { timesteps, sigmas, initNoiseSigma } = sdTurboSchedule(steps);
      expect(sigmas).toHaveLength(steps + 1);
      expect(sigmas[steps]).toBe(0);
      expect(initNoiseSigma).toBe(sigmas[0]);
      timesteps.forEach((t, k) => {
        expect(sigmas[k]).toBeCloseTo(referenceSigma(t), 12);
        expect(sigmas[k]).toBeCloseTo(numpy[t], 12);
        if (k > 0) expect(sigmas[k]).toBeLessThan(sigmas[k - 1]);
      });
    }
  });

  it('accepts only 1–4 steps', () => {
    for (const bad of [0, 5, 1.5, NaN]) {
      expect(() => sdTurboSchedule(bad)).toThrow(RangeError);
      expect(() => sdTurboSchedule(bad)).toThrow(/1 to 4/);
    }
  });
});

describe('scaleModelInput', () => {
  it('divides by sqrt(σ² + 1) without touching the input', () => {
    const x = randomArray(1, 64, 14);
    const copy = x.slice();
    const sigma = 14.614641229333639;
    const y = scaleModelInput(x, sigma);
    expect(x).toEqual(copy);
    for (let i = 0; i < x.length; i++) expect(y[i]).toBe(Math.fround(x[i] / Math.sqrt(sigma ** 2 + 1)));
    expect(() => scaleModelInput(x, -1)).toThrow(RangeError);
  });
});

describe('eulerAncestralStep', () => {
  it('1 step: x0 = latents − σ·eps, and the generator is untouched', () => {
    const { sigmas, initNoiseSigma } = sdTurboSchedule(1);
    const latents = randomArray(5, 1024, initNoiseSigma);
    const eps = randomArray(6, 1024, 1);
    const noise = new GaussianNoise(9);
    const x0 = eulerAncestralStep(latents, eps, sigmas[0], sigmas[1], noise);
    for (let i = 0; i < x0.length; i++) {
      expect(x0[i]).toBe(Math.fround(latents[i] - sigmas[0] * eps[i]));
    }
    // The stream continues where a fresh generator starts, so nothing was drawn.
    expect(Array.from(noise.fill(8))).toEqual(Array.from(new GaussianNoise(9).fill(8)));
  });

  it('multi-step: each step matches a direct float64 recomputation', () => {
    const steps = 4;
    const n = 257; // odd, so a Box–Muller pair is split between steps
    const { sigmas, initNoiseSigma } = sdTurboSchedule(steps);
    const noise = new GaussianNoise(31);
    const shadow = new GaussianNoise(31); // replays the noise the step should draw
    let x = randomArray(30, n, initNoiseSigma);
    for (let k = 0; k < steps; k++) {
      const eps = randomArray(100 + k, n, 1);
      const from = sigmas[k];
      const to = sigmas[k + 1];
      const next = eulerAncestralStep(x, eps, from, to, noise);
      const up = Math.sqrt((to ** 2 * (from ** 2 - to ** 2)) / from ** 2);
      const down = Math.sqrt(to ** 2 - up ** 2);
      const z = to > 0 ? shadow.fill(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const x0 = x[i] - from * eps[i];
        const expected = x[i] + ((x[i] - x0) / from) * (down - from) + z[i] * up;
        // Within float32 rounding of the stored result (plus float64 noise at |x| ~ 15).
        expect(Math.abs(next[i] - expected)).toBeLessThanOrEqual(Math.abs(expected) * 2 ** -23 + 1e-12);
        if (to === 0) expect(next[i]).toBe(Math.fround(x0));
      }
      x = next;
    }
    // Noise was drawn for steps 1–3 only: both generators are at the same point.
    expect(noise.next()).toBe(shadow.next());
  });

  it('sigma_down² + sigma_up² = sigma_to² (the ancestral split keeps the target variance)', () => {
    // With eps = 0 and x = 0 the step returns z·σ_up exactly, which exposes σ_up.
    const n = 4;
    const from = 4.081729363724308;
    const to = 1.612886194303876;
    const out = eulerAncestralStep(new Float32Array(n), new Float32Array(n), from, to, new GaussianNoise(3));
    const z = new GaussianNoise(3).fill(n);
    const up = Math.sqrt((to ** 2 * (from ** 2 - to ** 2)) / from ** 2);
    for (let i = 0; i < n; i++) expect(out[i]).toBe(Math.fround(z[i] * up));
    expect(up).toBeLessThan(to);
  });

  it('rejects mismatched lengths and impossible sigmas', () => {
    const g = new GaussianNoise(1);
    const a = new Float32Array(4);
    expect(() => eulerAncestralStep(a, new Float32Array(3), 1, 0, g)).toThrow(/3 values/);
    expect(() => eulerAncestralStep(a, a, 0, 0, g)).toThrow(RangeError);
    expect(() => eulerAncestralStep(a, a, 1, 2, g)).toThrow(/sigmaTo/);
    expect(() => eulerAncestralStep(a, a, 1, -0.5, g)).toThrow(RangeError);
  });
});
