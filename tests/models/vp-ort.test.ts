// The tiny VP-Score graphs on onnxruntime-web (wasm, Node) against the float64 reference, plus the
// properties the app's tests rely on: the contract, a dynamic batch, and rewards that vary.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltFolder } from '../../models/vp-score/build-folder.ts';
import { buildTokenizerJson } from '../../models/vp-score/tokenizer-json.ts';
import { referenceReward } from '../../models/vp-score/reference.ts';
import { encodePrompts, PATTERNS, syntheticPixels } from '../../models/vp-score/synthetic.ts';
import { buildAllFolders, maxAbsDiff, openSession, pickRows, runRewards, std, type ort } from './fixtures.ts';

const PLANE = 3 * 224 * 224;
const PROMPTS = [
  'blue', // 3 real slots, 32 padded
  'a photo of two cats and a dog on a wooden table',
  'an astronaut riding a horse on the moon, oil painting',
  // longer than 33 pieces: truncated, so no padding at all
  'a very detailed cinematic photo of an old castle on a hill above a river at sunset with many birds in the sky and three boats',
];
const tok = buildTokenizerJson();
const prompts = encodePrompts(tok, PROMPTS);
const images = syntheticPixels(PATTERNS.map((_, i) => i));

let built: Record<string, BuiltFolder>;
let tiny: ort.InferenceSession;
let wide: ort.InferenceSession;

beforeAll(async () => {
  built = buildAllFolders();
  tiny = await openSession(built['vp-tiny'].dir);
  wide = await openSession(built['vp-tiny-wide'].dir);
}, 120_000);

/** ORT and reference rewards for (image, prompt) pairs. */
async function compare(id: 'vp-tiny' | 'vp-tiny-wide', pairs: [number, number][]) {
  const b = built[id];
  const px = pickRows(images, PLANE, pairs.map(([i]) => i));
  const ids = pickRows(prompts.ids, 35, pairs.map(([, p]) => p));
  const mask = pickRows(prompts.mask, 35, pairs.map(([, p]) => p));
  const ortOut = await runRewards(id === 'vp-tiny' ? tiny : wide, px, ids, mask, pairs.length);
  const ref = referenceReward(b.weights, b.config, px, ids, mask, pairs.length);
  return { ortOut, ref, diff: maxAbsDiff(ortOut.rewards, ref) };
}

describe('tiny VP-Score on onnxruntime-web', () => {
  it('matches the float64 reference (batch 1 and 3, padding and truncation) to 1e-4', async () => {
    const cases: [string, 'vp-tiny' | 'vp-tiny-wide', [number, number][]][] = [
      ['vp-tiny B=1', 'vp-tiny', [[12, 0]]],
      ['vp-tiny B=3', 'vp-tiny', [[3, 1], [9, 3], [15, 0]]],
      ['vp-tiny-wide B=1', 'vp-tiny-wide', [[7, 2]]],
      ['vp-tiny-wide B=3', 'vp-tiny-wide', [[0, 3], [10, 1], [14, 2]]],
    ];
    for (const [label, id, pairs] of cases) {
      const { ortOut, ref, diff } = await compare(id, pairs);
      console.log(`${label}: max |ort - reference| = ${diff.toExponential(2)} (rewards ${ref.map((r) => r.toFixed(4)).join(', ')})`);
      expect(ortOut.dims).toEqual([pairs.length, 1]);
      expect(diff).toBeLessThanOrEqual(1e-4);
    }
  });

  it('has the VP-Score contract, with a dynamic batch (B = 1, 2, 5)', async () => {
    for (const s of [tiny, wide]) {
      expect(s.inputNames).toEqual(['pixel_values', 'input_ids', 'attention_mask']);
      expect(s.outputNames).toEqual(['reward']);
      const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
        list.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name }));
      expect(meta(s.inputMetadata)).toEqual([
        { name: 'pixel_values', type: 'float32', shape: ['batch', 3, 224, 224] },
        { name: 'input_ids', type: 'int64', shape: ['batch', 35] },
        { name: 'attention_mask', type: 'int64', shape: ['batch', 35] },
      ]);
      expect(meta(s.outputMetadata)).toEqual([{ name: 'reward', type: 'float32', shape: ['batch', 1] }]);
    }
    const rows = [2, 5, 8, 11, 13];
    const prows = [0, 1, 2, 3, 1];
    const five = await runRewards(tiny, pickRows(images, PLANE, rows), pickRows(prompts.ids, 35, prows), pickRows(prompts.mask, 35, prows), 5);
    expect(five.dims).toEqual([5, 1]);
    for (const n of [1, 2]) {
      const out = await runRewards(
        tiny,
        pickRows(images, PLANE, rows.slice(0, n)),
        pickRows(prompts.ids, 35, prows.slice(0, n)),
        pickRows(prompts.mask, 35, prows.slice(0, n)),
        n,
      );
      expect(out.dims).toEqual([n, 1]);
      // A row's reward does not depend on what else is in the batch.
      expect(maxAbsDiff(out.rewards, five.rewards.slice(0, n))).toBeLessThan(1e-5);
    }
  });

  it('gives rewards that vary across images and across prompts', async () => {
    const all = PATTERNS.map((_, i) => i);
    const acrossImages = await runRewards(tiny, images, pickRows(prompts.ids, 35, all.map(() => 1)), pickRows(prompts.mask, 35, all.map(() => 1)), all.length);
    const p4 = [0, 1, 2, 3];
    const acrossPrompts = await runRewards(tiny, pickRows(images, PLANE, p4.map(() => 6)), prompts.ids, prompts.mask, 4);
    console.log(`vp-tiny reward std: across 16 images ${std(acrossImages.rewards).toFixed(3)}, across 4 prompts ${std(acrossPrompts.rewards).toFixed(3)}`);
    expect(std(acrossImages.rewards)).toBeGreaterThan(0.3);
    expect(std(acrossImages.rewards)).toBeLessThan(3);
    expect(std(acrossPrompts.rewards)).toBeGreaterThan(0.05);
    expect(new Set(acrossImages.rewards.map((r) => r.toFixed(4))).size).toBe(16);
  });

  it('uses the attention mask: padded ids do not matter, the mask does', async () => {
    const px = pickRows(images, PLANE, [4]);
    const ids = pickRows(prompts.ids, 35, [0]);
    const mask = pickRows(prompts.mask, 35, [0]);
    const base = (await runRewards(tiny, px, ids, mask, 1)).rewards[0];
    const junk = ids.slice();
    for (let i = 3; i < 35; i++) junk[i] = BigInt(1000 + i); // real words in the padded slots
    const junkPadded = (await runRewards(tiny, px, junk, mask, 1)).rewards[0];
    expect(Math.abs(junkPadded - base)).toBeLessThan(1e-5);
    const attendAll = (await runRewards(tiny, px, junk, new BigInt64Array(35).fill(1n), 1)).rewards[0];
    expect(Math.abs(attendAll - base)).toBeGreaterThan(1e-3);
  });

  it('vp-tiny-wide differs from vp-tiny in size and output', async () => {
    const a = built['vp-tiny'];
    const b = built['vp-tiny-wide'];
    expect(b.modelBytes).not.toBe(a.modelBytes);
    expect(b.config.textWidth).not.toBe(a.config.textWidth);
    expect(b.config.visionWidth).not.toBe(a.config.visionWidth);
    const pairs: [number, number][] = [[1, 0], [5, 1], [9, 2]];
    const ra = (await compare('vp-tiny', pairs)).ortOut.rewards;
    const rb = (await compare('vp-tiny-wide', pairs)).ortOut.rewards;
    expect(maxAbsDiff(ra, rb)).toBeGreaterThan(0.1);
  });
});
