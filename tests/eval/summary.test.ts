import { describe, expect, it } from 'vitest';
import { expectedMaxCurve, maxWeights, bestOfK } from '../../src/lib/eval/best-of-k.ts';
import { histogram, sampleStd, summarize, type ScoredResult } from '../../src/lib/eval/summary.ts';

// 3 prompts × K = 4, given out of order (prompt p1 first, then interleaved) as a run would stream them.
//   p1 (colour) k0..3: 0.5, 2, 0.5, -1   p2 (colour): 1, 2, 3, 4   p3 (count): 0, 0, 0, 4
const scores: Record<string, [string, number[]]> = {
  p1: ['colour', [0.5, 2, 0.5, -1]],
  p2: ['colour', [1, 2, 3, 4]],
  p3: ['count', [0, 0, 0, 4]],
};
const results: ScoredResult[] = Object.entries(scores).flatMap(([promptId, [category, s]]) =>
  s.map((score, k) => ({ promptId, prompt: `prompt ${promptId}`, category, k, seed: 100 + k, score })),
);
const shuffled = [results[0], ...results.slice(1).reverse()];

describe('summarize', () => {
  const summary = summarize(shuffled);
  const byId = Object.fromEntries(summary.prompts.map((p) => [p.promptId, p]));

  it('summarizes each prompt (hand-computed)', () => {
    // p1: mean 2/4 = 0.5; deviations 0, 1.5, 0, -1.5 → SS 4.5, var 4.5/3 = 1.5, std √1.5;
    //     best 2 at k = 1, gain 2 − 0.5 = 1.5, spread 2 − (−1) = 3;
    //     ranks: 2 is 1st, the two 0.5s share 2nd (min rank), −1 is 4th → [2, 1, 2, 4].
    expect(byId.p1).toMatchObject({ n: 4, mean: 0.5, min: -1, max: 2, best: 2, bestIndex: 1, gain: 1.5, spread: 3, ranks: [2, 1, 2, 4] });
    expect(byId.p1.std).toBeCloseTo(Math.sqrt(1.5), 12);
    // p2: mean 2.5; SS 2.25 + 0.25 + 0.25 + 2.25 = 5, var 5/3; best 4 at k = 3, gain 1.5, spread 3.
    expect(byId.p2).toMatchObject({ mean: 2.5, best: 4, bestIndex: 3, gain: 1.5, spread: 3, ranks: [4, 3, 2, 1] });
    expect(byId.p2.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    // p3: mean 1; deviations −1, −1, −1, 3 → SS 12, var 4, std 2; best 4, gain 3, spread 4;
    //     three 0s share rank 2.
    expect(byId.p3).toMatchObject({ mean: 1, std: 2, best: 4, bestIndex: 3, gain: 3, spread: 4, ranks: [2, 2, 2, 1] });
    expect(summary.prompts.map((p) => p.promptId)).toEqual(['p1', 'p3', 'p2']); // first-seen order
  });

  it('summarizes each category and overall (hand-computed)', () => {
    // colour: 8 scores summing to 2 + 10 = 12 → mean 1.5; deviations −1, .5, −1, −2.5, −.5, .5, 1.5, 2.5
    //   → SS 17.5, var 17.5/7 = 2.5; mean best (2 + 4)/2 = 3; mean gain (1.5 + 1.5)/2 = 1.5.
    const colour = summary.categories.find((c) => c.category === 'colour')!;
    expect(colour).toMatchObject({ prompts: 2, images: 8, mean: 1.5, meanBest: 3, meanGain: 1.5 });
    expect(colour.std).toBeCloseTo(Math.sqrt(2.5), 12);
    // count: the one prompt p3.
    expect(summary.categories.find((c) => c.category === 'count')).toMatchObject({ prompts: 1, images: 4, mean: 1, std: 2, meanBest: 4, meanGain: 3 });
    // overall: Σx = 16 over 12 → mean 4/3; Σx² = 35.5 + 16 = 51.5 → SS = 51.5 − 12·(4/3)² = 90.5/3,
    //   var = 90.5/33; mean best (2 + 4 + 4)/3 = 10/3; mean gain (1.5 + 1.5 + 3)/3 = 2.
    const o = summary.overall;
    expect(o).toMatchObject({ prompts: 3, images: 12 });
    expect(o.mean).toBeCloseTo(4 / 3, 12);
    expect(o.std).toBeCloseTo(Math.sqrt(90.5 / 33), 12);
    expect(o.meanBest).toBeCloseTo(10 / 3, 12);
    expect(o.meanGain).toBeCloseTo(2, 12);
  });

  it('gives std 0 for a single candidate and refuses inconsistent input', () => {
    const one = summarize([{ promptId: 'x', prompt: 'x', category: 'c', k: 0, seed: 1, score: 0.3 }]);
    expect(one.prompts[0]).toMatchObject({ n: 1, std: 0, gain: 0, spread: 0, ranks: [1] });
    expect(sampleStd([])).toBeNaN();
    expect(() => summarize([...results, { ...results[0] }])).toThrow('prompt "p1" has candidate 0 twice');
    expect(() => summarize([...results, { ...results[0], k: 9, category: 'count' }])).toThrow('prompt "p1" is in two categories: "colour" and "count"');
    expect(() => summarize([{ ...results[0], score: NaN }])).toThrow('score NaN is not a finite number');
  });
});

describe('histogram', () => {
  it('shares bin edges across categories (hand-computed)', () => {
    // All scores span −1..4; 4 bins of 1.25: edges −1, 0.25, 1.5, 2.75, 4; the last bin includes 4.
    // colour: −1 | 0.5 0.5 1 | 2 2 | 3 4 → [1, 3, 2, 2];   count: 0 0 0 | | | 4 → [3, 0, 0, 1].
    const h = histogram(results, 4);
    expect(h.edges).toEqual([-1, 0.25, 1.5, 2.75, 4]);
    expect(h.categories).toEqual([
      { category: 'colour', counts: [1, 3, 2, 2] },
      { category: 'count', counts: [3, 0, 0, 1] },
    ]);
    expect(h.overall).toEqual([4, 3, 2, 3]);
  });
  it('widens a zero range, handles no scores and refuses bad bin counts', () => {
    expect(histogram([{ category: 'c', score: 2 }], 2)).toEqual({ edges: [1.5, 2, 2.5], categories: [{ category: 'c', counts: [0, 1] }], overall: [0, 1] });
    expect(histogram([], 2)).toEqual({ edges: [0, 0.5, 1], categories: [], overall: [0, 0] });
    expect(() => histogram(results, 0)).toThrow('bins must be a positive integer, got 0');
  });
});

describe('best-of-K', () => {
  it('matches the hand computation on [1, 2, 3, 4]', () => {
    // k = 2: the 6 pairs' maxima are 2 (once), 3 (twice), 4 (three times) → (2·1 + 3·2 + 4·3)/6 = 20/6.
    // k = 3: the 4 triples' maxima are 3 (once), 4 (three times) → (3 + 12)/4 = 3.75.
    const c = expectedMaxCurve([3, 1, 4, 2]);
    expect(c[0]).toBeCloseTo(2.5, 12); // k = 1: the mean
    expect(c[1]).toBeCloseTo(20 / 6, 12);
    expect(c[2]).toBeCloseTo(3.75, 12);
    expect(c[3]).toBe(4); // k = K: the max
  });

  it('agrees with enumerating every subset, ties included', () => {
    const xs = [0.3, -1.2, 0.3, 2.5, 0.9, -0.4, 1.1, 0.3];
    const curve = expectedMaxCurve(xs);
    for (let k = 1; k <= xs.length; k++) {
      let sum = 0;
      let count = 0;
      for (let mask = 0; mask < 1 << xs.length; mask++) {
        const picked = xs.filter((_, i) => mask & (1 << i));
        if (picked.length !== k) continue;
        sum += Math.max(...picked);
        count++;
      }
      expect(curve[k - 1]).toBeCloseTo(sum / count, 12);
    }
  });

  it('stays finite, monotone and exact at the ends for K = 64', () => {
    const xs = Array.from({ length: 64 }, (_, i) => Math.sin(i * 12.9898) * 3);
    const curve = expectedMaxCurve(xs);
    expect(curve[0]).toBeCloseTo(xs.reduce((s, x) => s + x, 0) / 64, 12);
    expect(curve[63]).toBe(Math.max(...xs));
    curve.forEach((v, j) => {
      expect(Number.isFinite(v)).toBe(true);
      if (j) expect(v).toBeGreaterThanOrEqual(curve[j - 1] - 1e-12);
    });
    // The weights are a probability distribution over which item is the max.
    expect(maxWeights(64, 32).reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    expect(() => maxWeights(4, 5)).toThrow('need integers 1 ≤ k ≤ K, got k = 5, K = 4');
  });

  it('averages per category and overall, stopping at the shortest prompt', () => {
    const r = bestOfK(results);
    // colour: p1 curve starts at mean 0.5 and ends at 2; p2 at 2.5 and 4 → 1.5 … 3.
    const colour = r.categories.find((c) => c.category === 'colour')!;
    expect(colour.prompts).toBe(2);
    expect(colour.curve[0]).toBeCloseTo(1.5, 12);
    expect(colour.curve[3]).toBeCloseTo(3, 12);
    expect(r.overall.curve[0]).toBeCloseTo(4 / 3, 12);
    expect(r.overall.curve[3]).toBeCloseTo(10 / 3, 12);
    expect(bestOfK(results.slice(0, 10)).overall.curve).toHaveLength(2); // p3 has only k0, k1
  });
});
