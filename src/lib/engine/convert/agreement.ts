// How closely a converted model agrees with float32 on the same items: Spearman's ρ of the two
// rankings (ties get the average of the ranks they span) and the largest absolute score difference.
// Pure functions, no ort.

/** 1-based ranks, ascending; tied values share the average of their positions. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = avg;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman's ρ = Pearson correlation of the average ranks (exact with ties, unlike 1 − 6Σd²/(n³−n)).
 * NaN when either side is constant or there are fewer than 2 items.
 */
export function spearman(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`spearman: lengths differ (${a.length} vs ${b.length})`);
  if (a.length < 2) return NaN;
  return pearson(averageRanks(a), averageRanks(b));
}

export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

export function maxAbsDiff(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export interface Agreement {
  /** Spearman ρ over all (prompt, image) scores together. */
  rho: number;
  /** The lowest per-prompt ρ (the ranking a user actually sees is per prompt). */
  minPromptRho: number;
  maxAbsDiff: number;
}

/** `ref[p][i]` and `got[p][i]`: scores for prompt p, image i. */
export function agreement(ref: readonly number[][], got: readonly number[][]): Agreement {
  const perPrompt = ref.map((r, p) => spearman(r, got[p]));
  return {
    rho: spearman(ref.flat(), got.flat()),
    minPromptRho: Math.min(...perPrompt),
    maxAbsDiff: maxAbsDiff(ref.flat(), got.flat()),
  };
}
