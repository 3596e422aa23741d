// The ranked grid's score display: a score's bar width relative to the run's range, and its label.

/** Bar width in % for each score: the worst gets a sliver (8 %), the best the full bar. */
export function barScale(scores: readonly number[]): (score: number) => number {
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  return (s) => (hi > lo ? 8 + (92 * (s - lo)) / (hi - lo) : 100);
}

export const formatScore = (s: number): string => (s >= 0 ? '+' : '') + s.toFixed(3);
