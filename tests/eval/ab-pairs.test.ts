import { describe, expect, it } from 'vitest';
import { choiceOf, choicesJsonl, nextPair, pairKey } from '../../src/lib/eval/ab-pairs.ts';
import type { EvalResult } from '../../src/lib/eval/eval-run.ts';
import { agreement } from '../../src/lib/eval/accuracy.ts';

const r = (promptId: string, k: number, score: number): EvalResult => ({
  runId: 'r', promptId, prompt: `prompt ${promptId}`, category: 'c', k, seed: 10 + k, score, reward: score,
  noiseHash: '', png: new Uint8Array([137, 80, k]),
});
const results = [r('p1', 0, 0.5), r('p1', 1, 0.9), r('p1', 2, 0.1), r('p2', 0, 0.3), r('p2', 1, 0.2)];

describe('A/B pairs', () => {
  it('goes through every pair of each prompt once, in order, sides decided by the pair', () => {
    const judged = new Set<string>();
    const seen: string[] = [];
    for (let p = nextPair(results, judged); p; p = nextPair(results, judged)) {
      seen.push(p.key);
      expect(p.a.promptId).toBe(p.b.promptId);
      expect(new Set([p.a.k, p.b.k]).size).toBe(2);
      judged.add(p.key);
    }
    expect(seen).toEqual([pairKey('p1', 0, 1), pairKey('p1', 0, 2), pairKey('p1', 1, 2), pairKey('p2', 0, 1)]);
  });

  it('records choices with both scores, measures agreement, and exports JSONL with data URLs', () => {
    const judged = new Set<string>();
    const choices = [];
    // The user prefers the higher-scored image twice, the lower once, and calls one pair a tie.
    for (const pick of ['higher', 'higher', 'lower', 'tie'] as const) {
      const p = nextPair(results, judged)!;
      const higher = p.a.score > p.b.score ? 'a' : 'b';
      const choice = pick === 'tie' ? 'tie' : pick === 'higher' ? higher : higher === 'a' ? 'b' : 'a';
      choices.push(choiceOf('r', p, choice, 1));
      judged.add(p.key);
    }
    const stats = agreement(choices.map((c) => ({ scoreA: c.a.score, scoreB: c.b.score, choice: c.choice })));
    expect(stats.overall).toMatchObject({ n: 3, tiesExcluded: 1, correct: 2 });
    const lines = choicesJsonl(choices, (id, k) => results.find((x) => x.promptId === id && x.k === k)?.png).trim().split('\n');
    expect(lines).toHaveLength(4);
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({ prompt: 'prompt p1', preferred: choices[0].choice, score_a: choices[0].a.score, score_b: choices[0].b.score });
    expect(first.image_a).toBe(`data:image/png;base64,${Buffer.from([137, 80, choices[0].a.k]).toString('base64')}`);
  });
});
