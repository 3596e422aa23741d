// Which downloaded generator Generate uses when the user picked none: the largest that runs here.
import { describe, expect, it } from 'vitest';
import { bestGenerator } from '../../../src/lib/engine/families/generator-choice.ts';
import type { FamilyStatus } from '../../../src/lib/engine/families/family-store.ts';

const family = (id: string, o: Partial<FamilyStatus>): FamilyStatus => ({
  manifestUrl: `https://h/${id}/preflens.json`, baseUrl: `https://h/${id}/`, kind: 'sd-turbo', role: 'generator', label: 'Image generator', id, name: id,
  variant: 'fp32', variants: ['fp32'], files: [], totalBytes: 1, fileStatus: [], state: 'cached', presentBytes: 1, ...o,
});

describe('bestGenerator', () => {
  const turbo = family('sd-turbo', { totalBytes: 2.52e9, variant: 'fp16' });
  const sdxs = family('sdxs', { totalBytes: 0.68e9, variant: 'q8' });
  it('takes the largest downloaded generator that runs here', () => {
    expect(bestGenerator([sdxs, turbo])?.id).toBe('sd-turbo');
  });
  it('skips one this device cannot run, one not fully downloaded, and reward models', () => {
    const noF16 = { ...turbo, warning: 'This device cannot run it: its WebGPU adapter has no shader-f16' };
    expect(bestGenerator([noF16, sdxs])?.id).toBe('sdxs');
    expect(bestGenerator([{ ...turbo, state: 'partial' }, sdxs])?.id).toBe('sdxs');
    expect(bestGenerator([family('vp', { kind: 'vp-score', role: 'judge', totalBytes: 9e9 }), sdxs])?.id).toBe('sdxs');
    expect(bestGenerator([noF16])).toBeUndefined();
    expect(bestGenerator([])).toBeUndefined();
  });
});
