// Ranking: best first, stable (equal scores keep their input order) and ties share a rank
// ("1, 2, 2, 4" competition ranking), so two identical images never look ordered by chance.

export interface Rankable {
  score: number;
}

/** rank[i] for items[i] (1 = best). Items whose score is not finite get rank 0 (unranked). */
export function rankScores(items: readonly (Rankable | null | undefined)[]): number[] {
  const order = items
    .map((it, i) => ({ i, s: it && Number.isFinite(it.score) ? it.score : NaN }))
    .filter((x) => !Number.isNaN(x.s))
    .sort((a, b) => b.s - a.s || a.i - b.i);
  const ranks = new Array<number>(items.length).fill(0);
  order.forEach((x, pos) => {
    const prev = order[pos - 1];
    ranks[x.i] = prev && prev.s === x.s ? ranks[prev.i] : pos + 1;
  });
  return ranks;
}

/** Indices of items, best first (stable), unscored last in input order. */
export function rankOrder(items: readonly (Rankable | null | undefined)[]): number[] {
  const ranks = rankScores(items);
  return items
    .map((_, i) => i)
    .sort((a, b) => (ranks[a] || Infinity) - (ranks[b] || Infinity) || a - b);
}

/** The score the user sees: ImageReward's normalisation with the manifest's mean and std. */
export function normalizeReward(reward: number, mean: number, std: number): number {
  return (reward - mean) / std;
}
