// Summaries of an evaluation run: K scored candidates per prompt, prompts grouped by category.
// Plain numbers in, plain numbers out, so the Evaluate view, the JSON/CSV export and the tests all
// read the same figures.

import { rankScores } from '../engine/score/rank.ts';

/** One scored candidate: candidate `k` (0..K−1) of prompt `promptId`, made from `seed`. */
export interface ScoredResult {
  promptId: string;
  prompt: string;
  category: string;
  k: number;
  seed: number;
  score: number;
}

export interface PromptGroup {
  promptId: string;
  prompt: string;
  category: string;
  /** Sorted by candidate index k. */
  candidates: ScoredResult[];
}

export interface PromptSummary {
  promptId: string;
  prompt: string;
  category: string;
  n: number;
  mean: number;
  /** Sample std (n − 1); 0 when n = 1, where it is undefined, so a 1-candidate prompt adds no spread. */
  std: number;
  min: number;
  max: number;
  /** = max: the candidate best-of-K would keep. */
  best: number;
  /** Candidate index k of the best; on equal scores the lowest k, as the grid shows it first. */
  bestIndex: number;
  /** best − mean: what picking by score gains over taking a random candidate. */
  gain: number;
  /** max − min: how far apart the reward puts this prompt's candidates. */
  spread: number;
  /** ranks[j] is the rank of candidates[j] (1 = best). Ties share the lowest rank ("1, 2, 2, 4"). */
  ranks: number[];
}

export interface GroupSummary {
  prompts: number;
  images: number;
  /** Over every image score of the group, not a mean of prompt means (they agree when K is equal). */
  mean: number;
  std: number;
  meanBest: number;
  meanGain: number;
}

export interface CategorySummary extends GroupSummary {
  category: string;
}

export interface EvalSummary {
  prompts: PromptSummary[];
  categories: CategorySummary[];
  overall: GroupSummary;
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample std (n − 1). 0 for a single value (see PromptSummary.std); NaN for none. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  if (xs.length === 1) return 0;
  const m = mean(xs);
  // Two-pass (mean first) rather than Σx² − n·m², which cancels badly when scores sit far from 0.
  const ss = xs.reduce((s, x) => s + (x - m) * (x - m), 0);
  return Math.sqrt(ss / (xs.length - 1));
}

/**
 * Results grouped by prompt, prompts in first-seen order, candidates sorted by k. Throws on a
 * non-finite score, a repeated (promptId, k) or a prompt filed under two categories: each would
 * silently skew every figure built on top.
 */
export function groupByPrompt(results: readonly ScoredResult[]): PromptGroup[] {
  const groups = new Map<string, PromptGroup>();
  for (const r of results) {
    if (!Number.isFinite(r.score)) {
      throw new RangeError(`prompt "${r.promptId}" candidate ${r.k}: score ${r.score} is not a finite number`);
    }
    let g = groups.get(r.promptId);
    if (!g) {
      g = { promptId: r.promptId, prompt: r.prompt, category: r.category, candidates: [] };
      groups.set(r.promptId, g);
    } else if (g.category !== r.category) {
      throw new RangeError(`prompt "${r.promptId}" is in two categories: "${g.category}" and "${r.category}"`);
    }
    if (g.candidates.some((c) => c.k === r.k)) {
      throw new RangeError(`prompt "${r.promptId}" has candidate ${r.k} twice`);
    }
    g.candidates.push(r);
  }
  for (const g of groups.values()) g.candidates.sort((a, b) => a.k - b.k);
  return [...groups.values()];
}

export function summarizePrompt(group: PromptGroup): PromptSummary {
  const scores = group.candidates.map((c) => c.score);
  const m = mean(scores);
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const ranks = rankScores(group.candidates);
  return {
    promptId: group.promptId,
    prompt: group.prompt,
    category: group.category,
    n: scores.length,
    mean: m,
    std: sampleStd(scores),
    min,
    max,
    best: max,
    bestIndex: group.candidates[scores.indexOf(max)].k,
    gain: max - m,
    spread: max - min,
    ranks,
  };
}

function summarizeGroup(groups: readonly PromptGroup[], prompts: readonly PromptSummary[]): GroupSummary {
  const scores = groups.flatMap((g) => g.candidates.map((c) => c.score));
  return {
    prompts: prompts.length,
    images: scores.length,
    mean: mean(scores),
    std: sampleStd(scores),
    meanBest: mean(prompts.map((p) => p.best)),
    meanGain: mean(prompts.map((p) => p.gain)),
  };
}

/** Per prompt, per category (first-seen order) and overall. */
export function summarize(results: readonly ScoredResult[]): EvalSummary {
  const groups = groupByPrompt(results);
  const prompts = groups.map(summarizePrompt);
  const categories = [...new Set(groups.map((g) => g.category))].map((category) => {
    const idx = groups.flatMap((g, i) => (g.category === category ? [i] : []));
    return {
      category,
      ...summarizeGroup(
        idx.map((i) => groups[i]),
        idx.map((i) => prompts[i]),
      ),
    };
  });
  return { prompts, categories, overall: summarizeGroup(groups, prompts) };
}

export interface Histogram {
  /** bins + 1 edges shared by every category, so their bars line up and can be compared. */
  edges: number[];
  categories: { category: string; counts: number[] }[];
  overall: number[];
}

/**
 * Equal-width bins over the range of all scores. Bins are [lo, hi) except the last, [lo, hi], so the
 * maximum is counted (numpy's rule); when every score is equal the range is widened to ±0.5 around
 * it, and with no scores it is [0, 1] (numpy again), so the edges are always increasing. Scores that
 * are not finite (not scored yet) are left out rather than thrown on, so a running evaluation can plot.
 */
export function histogram(scores: readonly { category: string; score: number }[], bins: number): Histogram {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const values = scores.map((s) => s.score).filter(Number.isFinite);
  let lo = values.length ? Math.min(...values) : 0;
  let hi = values.length ? Math.max(...values) : 1;
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));

  const byCategory = new Map<string, number[]>();
  const overall = new Array<number>(bins).fill(0);
  for (const { category, score } of scores) {
    if (!Number.isFinite(score)) continue;
    let counts = byCategory.get(category);
    if (!counts) byCategory.set(category, (counts = new Array<number>(bins).fill(0)));
    const b = binOf(score, edges);
    counts[b]++;
    overall[b]++;
  }
  return { edges, categories: [...byCategory].map(([category, counts]) => ({ category, counts })), overall };
}

function binOf(x: number, edges: readonly number[]): number {
  const bins = edges.length - 1;
  let b = Math.min(bins - 1, Math.floor(((x - edges[0]) / (edges[bins] - edges[0])) * bins));
  // The division can land one bin off the edge it was computed from; the edges array decides.
  while (b > 0 && x < edges[b]) b--;
  while (b < bins - 1 && x >= edges[b + 1]) b++;
  return b;
}
