import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  GaussianNoise,
  assertSeed,
  latentNoise,
  mulberry32,
} from '../../../src/lib/engine/generate/gaussian-noise.ts';
import { candidateSeed, randomSeed } from '../../../src/lib/engine/generate/generate-request.ts';
import { Gaussian as ModelsGaussian, mulberry32 as modelsMulberry32 } from '../../../models/prng.ts';

const sha256 = (a: Float32Array) =>
  createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

/**
 * mulberry32 re-done with BigInt and explicit mod 2^32, transcribed from the C original
 * (z = (x += 0x6D2B79F5); z = (z ^ z >> 15) * (z | 1); z ^= z + (z ^ z >> 7) * (z | 61);
 * return z ^ z >> 14), so it shares no Math.imul / ToInt32 tricks with the module.
 */
function* bigintMulberry32(seed: number): Generator<number> {
  const M = 0xffffffffn;
  let x = BigInt(seed);
  for (;;) {
    x = (x + 0x6d2b79f5n) & M;
    let z = x;
    z = ((z ^ (z >> 15n)) * (z | 1n)) & M;
    z = (z ^ ((z + ((z ^ (z >> 7n)) * (z | 61n))) & M)) & M;
    yield Number((z ^ (z >> 14n)) & M);
  }
}

describe('mulberry32', () => {
  it('matches an independent BigInt transcription of the C original', () => {
    for (const seed of [0, 1, 42, 0x7fffffff, 0x80000000, 0xffffffff]) {
      const ours = mulberry32(seed);
      const ref = bigintMulberry32(seed);
      for (let i = 0; i < 1000; i++) expect(ours() * 2 ** 32).toBe(ref.next().value);
    }
  });

  it('gives the uint32 outputs a Python run of the C algorithm gives', () => {
    // Computed once with Python integers (masking to 32 bits), not with this module.
    const cases: [number, number[]][] = [
      [1, [2693262067, 11749833, 2265367787, 4213581821, 4159151403]],
      [0, [1144304738, 1416247, 958946056]],
      [0xffffffff, [3850105811, 813802916, 3073704848]],
    ];
    for (const [seed, expected] of cases) {
      const u = mulberry32(seed);
      expect(expected.map(() => u() * 2 ** 32)).toEqual(expected);
    }
  });
});

describe('GaussianNoise', () => {
  it('same seed → identical arrays; different seeds differ', () => {
    const a = new GaussianNoise(123).fill(10_000);
    const b = new GaussianNoise(123).fill(10_000);
    const c = new GaussianNoise(124).fill(10_000);
    expect(a).toBeInstanceOf(Float32Array);
    expect(sha256(a)).toBe(sha256(b));
    expect(sha256(a)).not.toBe(sha256(c));
    expect(a.filter((v, i) => v === c[i]).length).toBeLessThan(5);
  });

  it('has mean ≈ 0 and std ≈ 1 over 1e5 samples, all finite', () => {
    const x = new GaussianNoise(2024).fill(100_000);
    let sum = 0;
    let sq = 0;
    let nonFinite = 0;
    for (const v of x) {
      if (!Number.isFinite(v)) nonFinite++;
      sum += v;
      sq += v * v;
    }
    expect(nonFinite).toBe(0);
    const mean = sum / x.length;
    const std = Math.sqrt(sq / x.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(0.02); // 6σ of the sample mean is 0.019
    expect(Math.abs(std - 1)).toBeLessThan(0.02);
  });

  it('matches a Box–Muller run in Python (glibc libm) after rounding to float32', () => {
    // Python: math.sqrt(-2*math.log(1-u1)), 2*math.pi*u2, cos then sin, np.float32(...).
    const expected = [
      1.4043388366699219, 0.024141617119312286, 1.2157546281814575, -0.14543594419956207,
      -0.5103768706321716, 2.5782384872436523, -0.25181832909584045, -1.3544062376022339,
    ];
    expect(Array.from(new GaussianNoise(1).fill(8))).toEqual(expected);
  });

  it('continues one stream across fill calls, including an odd split of a Box–Muller pair', () => {
    const whole = new GaussianNoise(7).fill(9);
    const g = new GaussianNoise(7);
    const parts = [...g.fill(3), ...g.fill(1), ...g.fill(5)];
    expect(parts).toEqual(Array.from(whole));
  });

  it('fill(n, std) rounds once after scaling (the model builders depend on it)', () => {
    const g = new GaussianNoise(99);
    const ref = new GaussianNoise(99);
    const scaled = g.fill(100, 0.02);
    for (let i = 0; i < 100; i++) expect(scaled[i]).toBe(Math.fround(ref.next() * 0.02));
  });

  it('is the class models/prng.ts exports (one implementation)', () => {
    expect(ModelsGaussian).toBe(GaussianNoise);
    expect(modelsMulberry32).toBe(mulberry32);
  });

  it('rejects seeds that are not uint32 and bad counts', () => {
    for (const bad of [-1, 1.5, 2 ** 32, NaN, Infinity]) {
      expect(() => new GaussianNoise(bad)).toThrow(RangeError);
      expect(() => new GaussianNoise(bad)).toThrow(/uint32/);
    }
    expect(() => assertSeed(0)).not.toThrow();
    expect(() => assertSeed(2 ** 32 - 1)).not.toThrow();
    expect(() => new GaussianNoise(1).fill(-1)).toThrow(RangeError);
  });
});

describe('latentNoise', () => {
  it('is reproducible and equals an independent Python computation, bit for bit', () => {
    const a = latentNoise(42, [1, 4, 64, 64]);
    const b = latentNoise(42, [1, 4, 64, 64]);
    expect(a.length).toBe(16384);
    console.log(`latentNoise(42, [1,4,64,64]) sha256 = ${sha256(a)}`);
    expect(sha256(b)).toBe(sha256(a));
    // sha256 of the float32 little-endian bytes from a Python reference (integer mulberry32,
    // math.log/cos/sin from glibc rather than V8's fdlibm, numpy float32 rounding).
    expect(sha256(a)).toBe('bb70a5b6138b1d94153c8dade160accb9e7c842fb3509db20d10a56bbd175981');
  });

  it('is the first prod(shape) samples of GaussianNoise(seed)', () => {
    expect(Array.from(latentNoise(7, [5]))).toEqual(Array.from(new GaussianNoise(7).fill(5)));
    expect(latentNoise(7, [2, 3]).length).toBe(6);
  });

  it('rejects bad shapes and seeds', () => {
    expect(() => latentNoise(1, [1, 0, 4])).toThrow(RangeError);
    expect(() => latentNoise(1, [2.5])).toThrow(/shape/);
    expect(() => latentNoise(-3, [4])).toThrow(/uint32/);
  });
});

describe('candidateSeed / randomSeed', () => {
  it('candidate i uses (baseSeed + i) mod 2^32', () => {
    expect(candidateSeed(1000, 0)).toBe(1000);
    expect(candidateSeed(1000, 3)).toBe(1003);
    expect(candidateSeed(0xffffffff, 1)).toBe(0);
    expect(candidateSeed(0xfffffffe, 5)).toBe(3);
  });

  it('lets one candidate be regenerated from its own seed', () => {
    const shape = [1, 4, 8, 8];
    const batch = [0, 1, 2].map((i) => latentNoise(candidateSeed(77, i), shape));
    expect(sha256(latentNoise(79, shape))).toBe(sha256(batch[2]));
    expect(sha256(batch[0])).not.toBe(sha256(batch[1]));
  });

  it('validates its inputs', () => {
    expect(() => candidateSeed(-1, 0)).toThrow(/base seed/);
    expect(() => candidateSeed(1, -1)).toThrow(RangeError);
    expect(() => candidateSeed(1, 0.5)).toThrow(RangeError);
  });

  it('randomSeed returns uint32 values', () => {
    const seeds = Array.from({ length: 50 }, randomSeed);
    for (const s of seeds) expect(() => assertSeed(s)).not.toThrow();
    expect(new Set(seeds).size).toBeGreaterThan(45);
  });
});
