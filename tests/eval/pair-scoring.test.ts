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

  it('tells apart images of the same name in two subfolders (modelA/0.png vs modelB/0.png) and counts labelled ties', async () => {
    const scoreOf = new Map<ImageFile, number>();
    const sub = (path: string, score: number): [string, ImageFile] => {
      // A picked folder gives each File its bare name; the pairs file names the path inside the folder.
      const f = file(path.split('/').pop()!);
      scoreOf.set(f, score);
      return [path, f];
    };
    const files = new Map([sub('modelA/0.png', 0.9), sub('modelB/0.png', 0.2), sub('modelA/1.png', 0.3), sub('modelB/1.png', 0.8)]);
    const pairs = parsePairs([
      { prompt: 'a red cube', image_a: 'modelA/0.png', image_b: 'modelB/0.png', preferred: 'a' },
      { prompt: 'two dogs', image_a: 'modelA/1.png', image_b: 'modelB/1.png', preferred: 'a' },
      { prompt: 'a red cube', image_a: 'modelB/0.png', image_b: 'modelA/0.png', preferred: 'tie' },
    ].map((o) => JSON.stringify(o)).join('\n'));
    const engine: Pick<EngineApi, 'score'> = {
      score: async ({ images }) => ({
        prompt: { pieceCount: 0, maxPieces: 33, truncated: false, keptPieces: [] },
        results: images.map((i, index) => ({ index, name: i.name, score: scoreOf.get(i as ImageFile) })),
        ranks: [], cancelled: false, timings: { readMs: 0, decodeMs: 0, preprocessMs: 0, tokenizeMs: 0, runMs: 0, totalMs: 0 },
      }),
    };
    const r = await scorePairs(pairs, files, engine);
    expect(r.skipped).toEqual([]);
    expect(r.scored.map((p) => [p.line, p.scoreA, p.scoreB])).toEqual([[1, 0.9, 0.2], [2, 0.3, 0.8], [3, 0.2, 0.9]]);
    expect(preferenceAccuracy(r.scored).overall).toMatchObject({ n: 2, tiesExcluded: 1, correct: 1 });
  });
});
