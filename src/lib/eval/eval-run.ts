// An evaluation run: K candidates for every prompt of a set, each scored as it is made and saved
// at once (IndexedDB in the app), so a reload, a crash or Pause loses nothing: running again starts
// at the first candidate not yet saved, and a candidate already saved is never saved twice.
// DOM-free: it runs on any EngineApi — the worker client in the app, the in-thread engine in the
// benchmark, a fake in the tests.
import type { Candidate, EngineApi } from '../engine/engine-api.ts';
import type { ScoredResult } from './summary.ts';

export interface EvalPrompt {
  id: string;
  prompt: string;
  category: string;
}

export interface EvalConfig {
  runId: string;
  prompts: readonly EvalPrompt[];
  /** Candidates per prompt (1–16). */
  k: number;
  seed: number;
  steps: number;
}

/** One scored image (summary.ts's ScoredResult: promptId, prompt, category, k = candidate index, seed, score) and what is kept of it. */
export interface EvalResult extends ScoredResult {
  runId: string;
  reward: number;
  noiseHash: string;
  /** The candidate as a PNG with its metadata (what the gallery shows and the zip holds). */
  png: Uint8Array;
}

export interface EvalStore {
  results(runId: string): Promise<EvalResult[]>;
  putResult(r: EvalResult): Promise<void>;
}

export interface EvalProgress {
  done: number;
  total: number;
  /** Made in this session (not counting what was saved before). */
  madeNow: number;
  imagesPerSecond: number;
  etaSeconds: number | null;
  current?: { promptIndex: number; prompt: string };
}

export interface RunDeps {
  store: EvalStore;
  /** What makes the candidates (its report's `candidates` are authoritative, see GenerateReport). */
  engine: Pick<EngineApi, 'generate'>;
  /** Aborted by Pause or Cancel: the run stops after the candidate in progress. */
  signal?: AbortSignal;
  onProgress?: (p: EvalProgress) => void;
  onResult?: (r: EvalResult) => void;
  now?: () => number;
}

export const resultKey = (promptId: string, k: number) => `${promptId}#${k}`;

/**
 * Seeds: prompt p's candidate j uses seed + p·K + j (mod 2³²), so every image of a run has its own
 * seed and the same run configuration reproduces the same images.
 */
export function promptSeed(seed: number, promptIndex: number, k: number): number {
  return (seed + promptIndex * k) >>> 0;
}

/** For each prompt, the first candidate index not yet saved (K when all are). */
export function firstUnsaved(config: EvalConfig, saved: ReadonlySet<string>): number[] {
  return config.prompts.map((p) => {
    let j = 0;
    while (j < config.k && saved.has(resultKey(p.id, j))) j++;
    return j;
  });
}

export async function runEvaluation(config: EvalConfig, deps: RunDeps): Promise<'done' | 'stopped'> {
  const now = deps.now ?? (() => performance.now());
  const saved = new Set((await deps.store.results(config.runId)).map((r) => resultKey(r.promptId, r.k)));
  const total = config.prompts.length * config.k;
  const t0 = now();
  let madeNow = 0;
  const progress = (current?: EvalProgress['current']): EvalProgress => {
    const seconds = (now() - t0) / 1000;
    const imagesPerSecond = seconds > 0 ? madeNow / seconds : 0;
    const left = total - saved.size;
    return { done: saved.size, total, madeNow, imagesPerSecond, etaSeconds: imagesPerSecond > 0 ? left / imagesPerSecond : null, current };
  };
  deps.onProgress?.(progress());
  const starts = firstUnsaved(config, saved);
  for (const [p, item] of config.prompts.entries()) {
    if (starts[p] >= config.k) continue;
    if (deps.signal?.aborted) return 'stopped';
    const current = { promptIndex: p, prompt: item.prompt };
    deps.onProgress?.(progress(current));
    const writes: Promise<void>[] = [];
    const keep = (c: Candidate) => {
      const key = resultKey(item.id, c.index);
      if (saved.has(key)) return;
      saved.add(key);
      madeNow++;
      const r = toResult(config, item, c);
      writes.push(deps.store.putResult(r).then(() => {
        deps.onResult?.(r);
        deps.onProgress?.(progress(current));
      }));
    };
    const opts = { prompt: item.prompt, n: config.k, seed: promptSeed(config.seed, p, config.k), steps: config.steps, from: starts[p] };
    const { cancelled, candidates } = await deps.engine.generate(opts, (e) => e.kind === 'candidate' && keep(e.candidate));
    candidates.forEach(keep);
    await Promise.all(writes);
    if (cancelled || deps.signal?.aborted) return 'stopped';
  }
  deps.onProgress?.(progress());
  return saved.size >= total ? 'done' : 'stopped';
}

function toResult(config: EvalConfig, item: EvalPrompt, c: Candidate): EvalResult {
  if (c.score === undefined || c.reward === undefined) {
    throw new Error(`candidate ${c.index} of "${item.prompt}" has no score: is a reward model loaded?`);
  }
  return {
    runId: config.runId, promptId: item.id, prompt: item.prompt, category: item.category, k: c.index, seed: c.seed,
    score: c.score, reward: c.reward, noiseHash: c.noiseHash, png: c.png,
  };
}
