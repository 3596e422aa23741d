// agreement.ts against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { agreement, averageRanks, maxAbsDiff, spearman } from '../../../src/lib/engine/convert/agreement.ts';

describe('averageRanks', () => {
  it('ranks ascending from 1; ties share the average of the ranks they span', () => {
    expect(averageRanks([10, 30, 20])).toEqual([1, 3, 2]);
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([5, 5, 5])).toEqual([2, 2, 2]);
  });
});

describe('spearman', () => {
  it('is 1 for the same order, −1 for the reverse', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('matches 1 − 6Σd²/(n³−n) without ties', () => {
    // d = (1, −1, 1, −1, 0), Σd² = 4, n = 5: 1 − 24/120 = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });

  it('uses average ranks with ties (Pearson of the ranks)', () => {
    // ranks b = (1, 2, 3.5, 5, 3.5); about the mean 3: Σdxdy = 8, Σdx² = 10, Σdy² = 9.5 → 8/√95
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
  });

  it('is NaN for a constant side or fewer than 2 items, and refuses different lengths', () => {
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(spearman([1], [1])).toBeNaN();
    expect(() => spearman([1, 2], [1])).toThrow(RangeError);
  });
});

describe('maxAbsDiff and agreement', () => {
  it('maxAbsDiff is the largest |a−b|', () => {
    expect(maxAbsDiff([1, 2, 3], [1.5, 2, 1])).toBe(2);
    expect(maxAbsDiff([], [])).toBe(0);
    expect(() => maxAbsDiff([1], [])).toThrow(RangeError);
  });

  it('agreement pools all scores for ρ and keeps the worst prompt', () => {
    const ref = [[1, 2, 3], [4, 5, 6]];
    const got = [[1, 2, 3], [4.1, 6, 5]];
    const a = agreement(ref, got);
    expect(a.minPromptRho).toBeCloseTo(0.5, 12); // d = (0, 1, −1): 1 − 12/24
    expect(a.rho).toBeCloseTo(1 - (6 * 2) / (216 - 6), 12); // pooled: ranks 5 and 6 swap
    expect(a.maxAbsDiff).toBeCloseTo(1, 12);
  });
});
