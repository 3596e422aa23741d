import { describe, expect, it } from 'vitest';
import { choiceOf, choicesJsonl, nextPair, pairKey } from '../../src/lib/eval/ab-pairs.ts';
import { parsePairs } from '../../src/lib/eval/pairs.ts';
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
    const url = (k: number) => `data:image/png;base64,${Buffer.from([137, 80, k]).toString('base64')}`;
    // DPO-style for a decided pair: the chosen image and the rejected one, with their scores.
    const [win, lose] = choices[0].choice === 'a' ? [choices[0].a, choices[0].b] : [choices[0].b, choices[0].a];
    const first = JSON.parse(lines[0]);
    expect(first).toMatchObject({
      prompt: 'prompt p1', chosen: url(win.k), rejected: url(lose.k), score_chosen: win.score, score_rejected: lose.score,
      seed_chosen: win.seed, seed_rejected: lose.seed,
    });
    expect(Object.keys(first).filter((k) => /^(image_|preferred)/.test(k))).toEqual([]);
    expect(JSON.parse(lines[3])).toMatchObject({ preferred: 'tie', image_a: url(choices[3].a.k), image_b: url(choices[3].b.k) });
    // It loads back as a pairs file: the same judgements (a decided pair is "chosen over rejected").
    const back = parsePairs(lines.join('\n'));
    expect(back.map((p) => p.preferred)).toEqual(['a', 'a', 'a', 'tie']);
    expect(back.map((p) => [p.imageA, p.imageB])).toEqual(choices.map((c) => (c.choice === 'b' ? [url(c.b.k), url(c.a.k)] : [url(c.a.k), url(c.b.k)])));
  });
});
