import { describe, expect, it } from 'vitest';
import { normalizeReward, rankOrder, rankScores } from '../../../src/lib/engine/score/rank.ts';

describe('rank', () => {
  it('ranks best first with shared ranks for ties', () => {
    expect(rankScores([{ score: 0.5 }, { score: 2 }, { score: 0.5 }, { score: -1 }])).toEqual([2, 1, 2, 4]);
  });
  it('leaves unscored items unranked and orders them last, stably', () => {
    const items = [null, { score: 1 }, { score: NaN }, { score: 3 }, { score: 1 }];
    expect(rankScores(items)).toEqual([0, 2, 0, 1, 2]);
    expect(rankOrder(items)).toEqual([3, 1, 4, 0, 2]);
  });
  it('normalizes with the manifest mean and std (ImageReward values)', () => {
    expect(normalizeReward(0.16717362830052426 + 1.0333394966054072, 0.16717362830052426, 1.0333394966054072)).toBeCloseTo(1, 12);
  });
});
