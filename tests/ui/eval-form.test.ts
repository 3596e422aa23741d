// The Evaluate form refuses what Generate refuses, with the same words; nothing is clamped or wrapped.
import { describe, expect, it } from 'vitest';
import { evalFormProblem } from '../../src/lib/ui/eval-form.ts';

const ok = { limit: 6, k: 2, seed: 42 };

describe('Evaluate form', () => {
  it('accepts whole numbers in range, including seed 0 and 2^32 − 1', () => {
    expect(evalFormProblem(ok, 70)).toBeNull();
    expect(evalFormProblem({ ...ok, seed: 0 }, 70)).toBeNull();
    expect(evalFormProblem({ ...ok, seed: 0xffffffff, limit: 70, k: 16 }, 70)).toBeNull();
  });

  it('names an empty, negative, fractional or too large seed, K or prompt count', () => {
    // An empty number field binds null; a typed 1e20 binds 1e20.
    for (const seed of [null, -1, 1e20, 2.5, 0x100000000, NaN]) {
      expect(evalFormProblem({ ...ok, seed }, 70)).toBe('The seed must be a whole number from 0 to 4294967295.');
    }
    for (const k of [null, 0, 17, 1.5]) expect(evalFormProblem({ ...ok, k }, 70)).toBe('K must be a whole number from 1 to 16.');
    for (const limit of [null, 0, -5, 999, 2.5]) expect(evalFormProblem({ ...ok, limit }, 70)).toBe('Prompts must be a whole number from 1 to 70.');
  });
});
