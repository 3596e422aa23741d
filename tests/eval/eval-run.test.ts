import { describe, expect, it } from 'vitest';
import type { Candidate, EngineApi, GenerateRequest } from '../../src/lib/engine/engine-api.ts';
import { firstUnsaved, promptSeed, resultKey, runEvaluation, type EvalConfig, type EvalProgress } from '../../src/lib/eval/eval-run.ts';
import { MemoryEvalStore } from '../../src/lib/eval/memory-eval-store.ts';

const prompts = ['a green colored cat', 'three apples on a table', 'a dog on the beach'].map((prompt, i) => ({
  id: `p${i}`, prompt, category: i ? 'count' : 'colour',
}));
const config: EvalConfig = { runId: 'run-1', prompts, k: 4, seed: 100, steps: 1 };

type Generate = EngineApi['generate'];

/**
 * A stand-in for the engine's generate: candidate i gets seed o.seed + i and a score derived from
 * it; `stopAfter` candidates in total, then it reports a cancelled run (as Pause does).
 */
function fakeGenerate(calls: GenerateRequest[], stopAfter = Infinity): Generate {
  let made = 0;
  return async (o, onEvent) => {
    calls.push(o);
    const candidates: Candidate[] = [];
    for (let i = o.from ?? 0; i < o.n; i++) {
      if (made >= stopAfter) return { cancelled: true, candidates };
      made++;
      const seed = (o.seed + i) >>> 0;
      const candidate: Candidate = {
        index: i, seed, noiseHash: `h${seed}`, steps: o.steps, width: 8, height: 8, png: new Uint8Array([seed & 255]),
        reward: seed / 1000, score: seed / 100, timings: { unetMs: [], vaeMs: 0, scoreMs: 0, pngMs: 0 },
      };
      candidates.push(candidate);
      onEvent?.({ kind: 'candidate', candidate });
    }
    return { cancelled: false, candidates };
  };
}

describe('evaluation run', () => {
  it('makes K per prompt with seeds seed + p·K + j and saves each as it is scored', async () => {
    const store = new MemoryEvalStore();
    const calls: GenerateRequest[] = [];
    const seen: EvalProgress[] = [];
    expect(await runEvaluation(config, { store, engine: { generate: fakeGenerate(calls) }, onProgress: (p) => seen.push(p) })).toBe('done');
    expect(calls.map((c) => [c.seed, c.from, c.n])).toEqual([[100, 0, 4], [104, 0, 4], [108, 0, 4]]);
    const rows = await store.results('run-1');
    expect(rows).toHaveLength(12);
    expect(rows.map((r) => r.seed).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => 100 + i));
    expect(rows.find((r) => r.promptId === 'p1' && r.k === 2)).toMatchObject({ seed: 106, score: 1.06, category: 'count' });
    expect(seen.at(-1)).toMatchObject({ done: 12, total: 12 });
    expect(promptSeed(0xfffffffe, 1, 4)).toBe(2);
  });

  it('resumes after an interruption at the first unsaved candidate, saving nothing twice', async () => {
    const store = new MemoryEvalStore();
    const first: GenerateRequest[] = [];
    // Interrupted after 6 candidates: prompt 0 complete, prompt 1 has 0 and 1.
    expect(await runEvaluation(config, { store, engine: { generate: fakeGenerate(first, 6) } })).toBe('stopped');
    expect(store.puts).toBe(6);
    const saved = new Set((await store.results('run-1')).map((r) => resultKey(r.promptId, r.k)));
    expect(firstUnsaved(config, saved)).toEqual([4, 2, 0]);

    const second: GenerateRequest[] = [];
    expect(await runEvaluation(config, { store, engine: { generate: fakeGenerate(second) } })).toBe('done');
    expect(second.map((c) => [c.prompt, c.from])).toEqual([['three apples on a table', 2], ['a dog on the beach', 0]]);
    expect(store.puts).toBe(12);
    expect(await store.results('run-1')).toHaveLength(12);
    // The resumed images are the ones an uninterrupted run makes.
    const whole = new MemoryEvalStore();
    await runEvaluation(config, { store: whole, engine: { generate: fakeGenerate([]) } });
    const bySeed = (rows: { seed: number; score: number }[]) => rows.map((r) => [r.seed, r.score]).sort((a, b) => a[0] - b[0]);
    expect(bySeed(await store.results('run-1'))).toEqual(bySeed(await whole.results('run-1')));
  });

  it('saves candidates the report lists even when their event has not arrived (worker message race)', async () => {
    const store = new MemoryEvalStore();
    const inner = fakeGenerate([]);
    // Events for the last candidate of each prompt are held back, as a late MessagePort delivery would.
    const generate: Generate = (o, on) => inner(o, (e) => {
      if (e.kind !== 'candidate' || e.candidate.index < o.n - 1) on?.(e);
    });
    expect(await runEvaluation(config, { store, engine: { generate } })).toBe('done');
    expect(store.puts).toBe(12);
  });

  it('a run that is already complete makes nothing', async () => {
    const store = new MemoryEvalStore();
    await runEvaluation(config, { store, engine: { generate: fakeGenerate([]) } });
    const calls: GenerateRequest[] = [];
    expect(await runEvaluation(config, { store, engine: { generate: fakeGenerate(calls) } })).toBe('done');
    expect(calls).toEqual([]);
    expect(store.puts).toBe(12);
  });

  it('Pause (the signal) stops before the next prompt', async () => {
    const store = new MemoryEvalStore();
    const abort = new AbortController();
    const calls: GenerateRequest[] = [];
    const gen = fakeGenerate(calls);
    const result = await runEvaluation(config, {
      store, signal: abort.signal,
      engine: { generate: async (o, on) => { const r = await gen(o, on); abort.abort(); return r; } },
    });
    expect(result).toBe('stopped');
    expect(calls).toHaveLength(1);
    expect(store.puts).toBe(4);
  });
});
