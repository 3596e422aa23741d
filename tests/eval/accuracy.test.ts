import { describe, expect, it } from 'vitest';
import { agreement, pairCredit, preferenceAccuracy, wilsonInterval, Z95 } from '../../src/lib/eval/accuracy.ts';
import { parsePairs } from '../../src/lib/eval/pairs.ts';

// 10 labelled pairs, 2 of them human ties, with the model's scores (A, B) and what each counts:
//   #  cat     human  scores      exclude-ties          tie-as-half
//   1  colour  a      2 / 1       correct               1
//   2  colour  b      0 / 1       correct               1
//   3  colour  a      3 / 0       correct               1
//   4  colour  b      1 / 1       wrong (model tie)     0.5
//   5  colour  a      0.9 / 0.7   correct               1
//   6  colour  tie    1 / 2       excluded              0.5
//   7  count   a      1 / 0       correct               1
//   8  count   b      2 / 3       correct               1
//   9  count   a      −1 / 1      wrong                 0
//  10  count   tie    0.2 / 0.2   excluded              1 (both call it even)
const file = `# crafted pairs
{"id":"1","prompt":"a red cube","image_a":"1a.png","image_b":"1b.png","preferred":"a","category":"colour"}
{"id":"2","prompt":"a red cube","image_a":"2a.png","image_b":"2b.png","preferred":"b","category":"colour"}

{"id":"3","prompt":"a blue ball","image_a":"3a.png","image_b":"3b.png","preferred":"a","category":"colour"}
{"id":"4","prompt":"a blue ball","image_a":"4a.png","image_b":"4b.png","preferred":"b","category":"colour"}
{"id":"5","prompt":"a green cat","image_a":"5a.png","image_b":"5b.png","preferred":"a","category":"colour"}
{"id":"6","prompt":"a green cat","image_a":"6a.png","image_b":"6b.png","preferred":"tie","category":"colour"}
// counting
{"id":"7","prompt":"three apples","image_a":"7a.png","image_b":"7b.png","preferred":"a","category":"count"}
{"id":"8","prompt":"three apples","image_a":"8a.png","image_b":"8b.png","preferred":"b","category":"count"}
{"id":"9","prompt":"two dogs","image_a":"9a.png","image_b":"9b.png","preferred":"a","category":"count"}
{"id":"10","prompt":"two dogs","image_a":"10a.png","image_b":"10b.png","preferred":"tie","category":"count"}
`;
const modelScores: Record<string, [number, number]> = {
  '1': [2, 1], '2': [0, 1], '3': [3, 0], '4': [1, 1], '5': [0.9, 0.7],
  '6': [1, 2], '7': [1, 0], '8': [2, 3], '9': [-1, 1], '10': [0.2, 0.2],
};
const scored = parsePairs(file).map((p) => ({ ...p, scoreA: modelScores[p.id!][0], scoreB: modelScores[p.id!][1] }));

describe('preferenceAccuracy', () => {
  it("excludes human ties and counts model ties as wrong (ImageReward's rule)", () => {
    const r = preferenceAccuracy(scored);
    expect(r.rule).toBe('exclude-ties');
    expect(r.overall).toMatchObject({ n: 8, tiesExcluded: 2, correct: 6, accuracy: 0.75 });
    // Wilson, p = 6/8 = 0.75, n = 8, z = 1.959964, z² = 3.841458881296, z²/n = 0.480182360162:
    //   centre = (0.75 + 0.240091180081) / 1.480182360162 = 0.668898108
    //   half   = (1.959964 / 1.480182360162) · √(0.75·0.25/8 + 3.841458881296/256)
    //          = 1.324137 · √(0.0234375 + 0.015005699) = 1.324137 · 0.196069 = 0.259623
    //   → [0.409275, 0.928521]
    expect(r.overall.ci95.low).toBeCloseTo(0.409275, 5);
    expect(r.overall.ci95.high).toBeCloseTo(0.928521, 5);
    // colour 4/5 (1 tie out), count 2/3 (1 tie out).
    expect(r.categories.map((c) => [c.category, c.n, c.tiesExcluded, c.correct])).toEqual([
      ['colour', 5, 1, 4],
      ['count', 3, 1, 2],
    ]);
    // Wilson 4/5: centre (0.8 + 0.384146)/1.768292 = 0.669655; half √(0.032 + 0.038415)/1.768292·z = 0.294121.
    expect(r.categories[0].ci95.low).toBeCloseTo(0.375535, 5);
    expect(r.categories[0].ci95.high).toBeCloseTo(0.963776, 5);
    expect(r.categories[1].accuracy).toBeCloseTo(2 / 3, 12);
  });

  it("'tie-as-half' keeps every pair and gives half credit when one side calls it even", () => {
    // colour 1+1+1+0.5+1+0.5 = 5 of 6; count 1+1+0+1 = 3 of 4; overall 8 of 10.
    const r = preferenceAccuracy(scored, 'tie-as-half');
    expect(r.overall).toMatchObject({ n: 10, tiesExcluded: 0, correct: 8, accuracy: 0.8 });
    expect(r.categories.map((c) => [c.category, c.n, c.correct])).toEqual([
      ['colour', 6, 5],
      ['count', 4, 3],
    ]);
    // Wilson 8/10: centre (0.8 + 0.192073)/1.384146 = 0.716740; half = 0.226578.
    expect(r.overall.ci95.low).toBeCloseTo(0.490162, 5);
    expect(r.overall.ci95.high).toBeCloseTo(0.943318, 5);
  });

  it('credits single pairs by each rule', () => {
    expect(pairCredit({ preferred: 'tie', scoreA: 1, scoreB: 2 })).toBeNull();
    expect(pairCredit({ preferred: 'a', scoreA: 1, scoreB: 1 })).toBe(0);
    expect(pairCredit({ preferred: 'a', scoreA: 1, scoreB: 1 }, 'tie-as-half')).toBe(0.5);
    expect(pairCredit({ preferred: 'b', scoreA: 2, scoreB: 1 }, 'tie-as-half')).toBe(0);
    expect(() => pairCredit({ preferred: 'a', scoreA: NaN, scoreB: 1 })).toThrow('pair scores must be finite numbers, got NaN and 1');
  });

  it('reports nothing to judge when every pair is a tie, and leaves uncategorised pairs out of categories', () => {
    const r = preferenceAccuracy([{ preferred: 'tie', scoreA: 0, scoreB: 1 }]);
    expect(r.overall).toMatchObject({ n: 0, tiesExcluded: 1, correct: 0, ci95: { low: 0, high: 1 } });
    expect(r.overall.accuracy).toBeNaN();
    expect(r.categories).toEqual([]);
  });
});

describe('wilsonInterval', () => {
  it('stays inside [0, 1] where the normal approximation collapses', () => {
    // p = 1, n = 5: normal approx gives [1, 1]; Wilson's lower limit is n/(n + z²) = 5/8.841459 = 0.565518.
    const w = wilsonInterval(5, 5);
    expect(w.low).toBeCloseTo(5 / (5 + Z95 * Z95), 12);
    expect(w.high).toBe(1);
    expect(wilsonInterval(0, 1).low).toBe(0);
  });
});

describe('agreement', () => {
  it("scores the user's A/B choices like a pairs file", () => {
    const r = agreement([
      { scoreA: 1, scoreB: 0, choice: 'a' },
      { scoreA: 1, scoreB: 0, choice: 'b' },
      { scoreA: 0, scoreB: 1, choice: 'b' },
      { scoreA: 0, scoreB: 1, choice: 'tie' },
    ]);
    expect(r.overall).toMatchObject({ n: 3, tiesExcluded: 1, correct: 2 });
    expect(r.overall.accuracy).toBeCloseTo(2 / 3, 12);
    expect(agreement([{ scoreA: 0, scoreB: 1, choice: 'tie', category: 'c' }], 'tie-as-half').categories).toMatchObject([
      { category: 'c', n: 1, correct: 0.5 },
    ]);
  });
});
