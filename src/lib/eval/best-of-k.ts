// The best-of-K curve: how good the kept image is when we generate k candidates and keep the one the
// reward likes best, for k = 1..K. Computed exactly from the K scores we have (every k-subset
// equally likely, drawn without replacement) instead of by resampling, so the curve has no noise.

import { groupByPrompt, mean, type ScoredResult } from './summary.ts';

/**
 * P(the i-th smallest of K is the max of a random k-subset), i = 1..K, as weights[i − 1]:
 * C(i−1, k−1) / C(K, k). The binomials overflow doubles near K ≈ 1030 and lose precision far
 * earlier, so we start from the top weight, C(K−1, k−1)/C(K, k) = k/K, and walk down with
 * w(i−1) = w(i)·(i−k)/(i−1): every factor is ≤ 1, nothing overflows, and the weights that
 * underflow to 0 are ones that could not move the sum.
 */
export function maxWeights(K: number, k: number): number[] {
  if (!Number.isInteger(K) || !Number.isInteger(k) || k < 1 || k > K) {
    throw new RangeError(`need integers 1 ≤ k ≤ K, got k = ${k}, K = ${K}`);
  }
  const w = new Array<number>(K).fill(0);
  w[K - 1] = k / K;
  for (let i = K; i > k; i--) w[i - 2] = (w[i - 1] * (i - k)) / (i - 1);
  return w;
}

/** curve[k − 1] = E[max of k of `scores` drawn without replacement]; curve[0] = mean, curve[K − 1] = max. */
export function expectedMaxCurve(scores: readonly number[]): number[] {
  const sorted = [...scores].sort((a, b) => a - b);
  const K = sorted.length;
  // Equal scores need no special case: the formula treats them as distinct items with equal values.
  return Array.from({ length: K }, (_, j) =>
    maxWeights(K, j + 1).reduce((s, w, i) => s + w * sorted[i], 0),
  );
}

export interface BestOfKCurve {
  prompts: number;
  /** curve[k − 1]: mean over prompts of E[max of k]. */
  curve: number[];
}

export interface BestOfK {
  categories: (BestOfKCurve & { category: string })[];
  overall: BestOfKCurve;
}

/**
 * Per prompt, then averaged over prompts (per category, first-seen order, and overall). A group's
 * curve stops at the smallest K among its prompts (a cancelled run leaves some prompts short):
 * averaging each k over a different set of prompts would let the curve jump for reasons that have
 * nothing to do with k.
 */
export function bestOfK(results: readonly ScoredResult[]): BestOfK {
  const groups = groupByPrompt(results).map((g) => ({
    category: g.category,
    curve: expectedMaxCurve(g.candidates.map((c) => c.score)),
  }));
  const average = (curves: number[][]): BestOfKCurve => {
    const len = curves.length ? Math.min(...curves.map((c) => c.length)) : 0;
    return {
      prompts: curves.length,
      curve: Array.from({ length: len }, (_, j) => mean(curves.map((c) => c[j]))),
    };
  };
  const categories = [...new Set(groups.map((g) => g.category))].map((category) => ({
    category,
    ...average(groups.filter((g) => g.category === category).map((g) => g.curve)),
  }));
  return { categories, overall: average(groups.map((g) => g.curve)) };
}
