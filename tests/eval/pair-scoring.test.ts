import { describe, expect, it } from 'vitest';
import { preferenceAccuracy } from '../../src/lib/eval/accuracy.ts';
import { scorePairs, type ImageFile } from '../../src/lib/eval/pair-scoring.ts';
import { parsePairs } from '../../src/lib/eval/pairs.ts';
import type { EngineApi } from '../../src/lib/engine/engine-api.ts';

const file = (name: string): ImageFile => ({ name, size: 1, arrayBuffer: async () => new ArrayBuffer(1) });
const SCORES: Record<string, number> = { 'a.png': 0.9, 'b.png': 0.1, 'c.png': 0.5, 'd.png': 0.7 };

describe('scoring a pairs file', () => {
  it('scores each image of a prompt once, skips pairs with a missing image, and feeds accuracy', async () => {
    const text = [
      { prompt: 'a green colored cat', image_a: 'a.png', image_b: 'b.png', preferred: 'a', category: 'colour' },
      { prompt: 'a green colored cat', image_a: 'a.png', image_b: 'c.png', preferred: 'b', category: 'colour' },
      { prompt: 'a green colored cat', image_a: 'b.png', image_b: 'c.png', preferred: 'tie', category: 'colour' },
      { prompt: 'three apples', image_a: 'c.png', image_b: 'd.png', preferred: 'b', category: 'count' },
      { prompt: 'three apples', image_a: 'c.png', image_b: 'gone.png', preferred: 'a', category: 'count' },
    ].map((o) => JSON.stringify(o)).join('\n');
    const pairs = parsePairs(text);
    const files = new Map(['a.png', 'b.png', 'c.png', 'd.png'].map((n) => [n, file(n)]));
    const calls: [string, string[]][] = [];
    const engine: Pick<EngineApi, 'score'> = {
      score: async ({ prompt, images }) => {
        calls.push([prompt, images.map((i) => i.name)]);
        const results = images.map((i, index) => ({ index, name: i.name, score: SCORES[i.name] }));
        return { prompt: { pieceCount: 0, maxPieces: 33, truncated: false, keptPieces: [] }, results, ranks: [], cancelled: false,
          timings: { readMs: 0, decodeMs: 0, preprocessMs: 0, tokenizeMs: 0, runMs: 0, totalMs: 0 } };
      },
    };
    const r = await scorePairs(pairs, files, engine);
    expect(calls).toEqual([['a green colored cat', ['a.png', 'b.png', 'c.png']], ['three apples', ['c.png', 'd.png']]]);
    expect(r.skipped).toEqual([{ line: 5, reason: 'gone.png is not in the folder' }]);
    expect(r.scored.map((p) => [p.line, p.scoreA, p.scoreB])).toEqual([[1, 0.9, 0.1], [2, 0.9, 0.5], [3, 0.1, 0.5], [4, 0.5, 0.7]]);
    // Line 1 right, line 2 wrong (a scored higher, b preferred), line 3 a tie (left out), line 4 right.
    const acc = preferenceAccuracy(r.scored);
    expect(acc.overall).toMatchObject({ n: 3, tiesExcluded: 1, correct: 2 });
    expect(acc.categories.map((c) => [c.category, c.correct, c.n])).toEqual([['colour', 1, 2], ['count', 1, 1]]);
  });
});
