// Preference accuracy: how often the reward model ranks a labelled pair the way the human did.
//
// Default rule 'exclude-ties' is ImageReward's, as read in THUDM/ImageReward `test.py`, function
// `acc` (commit 6d863e1): its test set ranks 4–9 images per prompt, and for every pair with equal
// human ranks neither branch counts, so human ties leave the denominator; a pair the human ordered
// counts as correct only if the model's rewards are strictly ordered the same way, so equal model
// rewards count as wrong, not half. Training and validation do the same: `train/src/rank_pair_dataset.py`
// (make_data) skips equal-rank pairs, and `train/src/train.py` (loss_func) counts `reward_diff > 0`.
//
// 'tie-as-half' keeps every pair and gives credit 1 when model and human agree (both pick the same
// image, or both call it even — equal scores), 0.5 when exactly one of them calls it even, 0 when
// they pick opposite images. So a labelled tie earns 0.5 when the model picks either side.

import type { Preference } from './pairs.ts';

export type TieRule = 'exclude-ties' | 'tie-as-half';

export interface ScoredPair {
  preferred: Preference;
  scoreA: number;
  scoreB: number;
  category?: string;
}

export interface AccuracyReport {
  /** Pairs in the denominator. */
  n: number;
  /** Labelled ties left out ('exclude-ties'); always 0 under 'tie-as-half'. */
  tiesExcluded: number;
  /** Credit summed over the n pairs; a multiple of 0.5 under 'tie-as-half'. */
  correct: number;
  /** correct / n; NaN when n = 0 (nothing to judge). */
  accuracy: number;
  /** Wilson score interval at 95 %; [0, 1] when n = 0. */
  ci95: { low: number; high: number };
}

export interface AccuracyResult {
  rule: TieRule;
  overall: AccuracyReport;
  /** First-seen order. Pairs without a category count only in `overall`. */
  categories: (AccuracyReport & { category: string })[];
}

/** Two-sided 95 % normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959964;

/**
 * Wilson score interval for `correct` successes in `n`. Not the normal approximation p ± z·√(p(1−p)/n):
 * with the tens of pairs a user labels and accuracies near 1 it gives a zero-width interval at
 * p = 1 and limits beyond [0, 1]; Wilson stays inside [0, 1] and keeps close to nominal coverage
 * at small n. Fractional `correct` ('tie-as-half') is used as is, p = correct / n.
 */
export function wilsonInterval(correct: number, n: number, z = Z95): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const p = correct / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  // Rounding can push a limit a hair past 0 or 1 when p is exactly 0 or 1.
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Credit for one pair, or null when the rule leaves it out. */
export function pairCredit(pair: ScoredPair, rule: TieRule = 'exclude-ties'): number | null {
  const { scoreA, scoreB, preferred } = pair;
  if (!Number.isFinite(scoreA) || !Number.isFinite(scoreB)) {
    // An unscored pair counted as wrong would quietly lower the accuracy; the caller must drop it.
    throw new RangeError(`pair scores must be finite numbers, got ${scoreA} and ${scoreB}`);
  }
  const model: Preference = scoreA > scoreB ? 'a' : scoreB > scoreA ? 'b' : 'tie';
  if (rule === 'exclude-ties') {
    if (preferred === 'tie') return null;
    return model === preferred ? 1 : 0;
  }
  if (model === preferred) return 1;
  return model === 'tie' || preferred === 'tie' ? 0.5 : 0;
}

function report(pairs: readonly ScoredPair[], rule: TieRule): AccuracyReport {
  let n = 0;
  let tiesExcluded = 0;
  let correct = 0;
  for (const p of pairs) {
    const credit = pairCredit(p, rule);
    if (credit === null) {
      tiesExcluded++;
    } else {
      n++;
      correct += credit;
    }
  }
  return { n, tiesExcluded, correct, accuracy: n ? correct / n : NaN, ci95: wilsonInterval(correct, n) };
}

export function preferenceAccuracy(pairs: readonly ScoredPair[], rule: TieRule = 'exclude-ties'): AccuracyResult {
  const names = [...new Set(pairs.flatMap((p) => (p.category === undefined ? [] : [p.category])))];
  return {
    rule,
    overall: report(pairs, rule),
    categories: names.map((category) => ({
      category,
      ...report(
        pairs.filter((p) => p.category === category),
        rule,
      ),
    })),
  };
}

/** One A/B judgement made in the app, with the scores the model gave the two images. */
export interface UserChoice {
  scoreA: number;
  scoreB: number;
  choice: Preference;
  category?: string;
}

/** How often the model agrees with the user's own A/B choices, by the same rules as the pairs file. */
export function agreement(userChoices: readonly UserChoice[], rule: TieRule = 'exclude-ties'): AccuracyResult {
  return preferenceAccuracy(
    userChoices.map(({ scoreA, scoreB, choice, category }) => ({ scoreA, scoreB, preferred: choice, category })),
    rule,
  );
}
