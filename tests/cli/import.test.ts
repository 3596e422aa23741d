// `preflens import` as a user runs it: a reduced random ImageReward-format checkpoint (tools/
// make_test_checkpoint.py) becomes a folder `preflens score` loads, scoring like the Python
// exporter's folder made from the same file; bad input exits with a clear message.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { sixImages, writeImages } from '../../models/test-images.ts';
import { capture } from './capture.ts';
import { FIXTURE_HEAD_ARGS } from '../fixtures/checkpoint-fixture.ts';

const fixture = inject('checkpointFixture');
const dir = mkdtempSync(join(tmpdir(), 'preflens-cli-import-'));
const ckpt = join(fixture, 'ckpt.pt');
const vocab = join(fixture, 'vocab.txt');
const HEADS = FIXTURE_HEAD_ARGS;
const PROMPT = 'a red cat sitting on a wooden table';

async function cli(...args: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(args, out, err);
  return { code, out: out.text, err: err.text };
}

describe('preflens import', () => {
  it('writes a folder that scores like the Python exporter\'s (1e-5), and adds variants with --to', async () => {
    const made = await cli('import', '--checkpoint', ckpt, '--vocab', vocab, '--out', join(dir, 'ts'), ...HEADS);
    expect(made.err).toBe('');
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/dropped 5 keys unused by score\(\)/);
    const images = writeImages(sixImages());
    const score = async (model: string) => JSON.parse((await cli('score', '--model', model, '--prompt', PROMPT, ...images)).out);
    const [ours, python] = [await score(join(dir, 'ts')), await score(join(fixture, 'py'))];
    const diffs = ours.results.map((r: { reward: number }, i: number) => Math.abs(r.reward - python.results[i].reward));
    console.log(`import vs export: max |Δreward| ${Math.max(...diffs).toExponential(2)} over ${diffs.length} images`);
    expect(Math.max(...diffs)).toBeLessThanOrEqual(1e-5);
    expect(ours.results.map((r: { rank: number }) => r.rank)).toEqual(python.results.map((r: { rank: number }) => r.rank));

    const q8 = await cli('import', '--checkpoint', ckpt, '--vocab', vocab, '--out', join(dir, 'ts-q8'), '--to', 'q8', ...HEADS, '--id', 'mine');
    expect(q8.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'ts-q8', 'preflens.json'), 'utf8'));
    expect(manifest).toMatchObject({ id: 'mine', variants: { q8: { file: 'model.q8.onnx' } } });
    expect(existsSync(join(dir, 'ts-q8', 'model.q8.onnx'))).toBe(true);
    // `score` picks q8 on WASM and says so; --variant fp32 runs the float32 graph of the same folder.
    const picked = await score(join(dir, 'ts-q8'));
    expect(picked.variant).toBe('q8');
    expect(picked.results.every((r: { score: number }) => Number.isFinite(r.score))).toBe(true);
    const fp32 = JSON.parse((await cli('score', '--model', join(dir, 'ts-q8'), '--variant', 'fp32', '--prompt', PROMPT, ...images)).out);
    expect(fp32.variant).toBe('fp32');
    expect(fp32.results.map((r: { reward: number }) => r.reward)).toEqual(ours.results.map((r: { reward: number }) => r.reward));
    const none = await cli('score', '--model', join(dir, 'ts-q8'), '--variant', 'q4', '--prompt', PROMPT, ...images);
    expect([none.code, none.err]).toEqual([1, expect.stringMatching(/ManifestError: mine has no q4 variant \(it has fp32, q8\)/)]);
    expect((await cli('score', '--model', join(dir, 'ts-q8'), '--variant', 'q9', '--prompt', PROMPT, ...images)).code).toBe(2);
  }, 120_000);

  it('its q8 and q4f16 variants keep the float32 ranking on the check set (ρ reported)', async () => {
    const conv = await cli('convert', '--model', join(dir, 'ts'), '--to', 'q8,q4f16', '--out', join(dir, 'conv'), '--json');
    expect(conv.code).toBe(0);
    const rows: { variant: string; rho: number; minPromptRho: number; maxAbsDiff: number }[] = JSON.parse(conv.out).variants;
    for (const r of rows) console.log(`imported ${r.variant}: ρ ${r.rho.toFixed(4)} (worst prompt ${r.minPromptRho.toFixed(4)}), max |Δscore| ${r.maxAbsDiff.toFixed(4)}`);
    expect(rows.map((r) => r.variant)).toEqual(['q8', 'q4f16']);
    for (const r of rows) expect(r.rho).toBeGreaterThan(0.9);
  }, 120_000);

  it('refuses bad input: missing flags and bad numbers (exit 2), a vocab that does not fit, a file that is no checkpoint (exit 1)', async () => {
    expect((await cli('import', '--checkpoint', ckpt, '--out', join(dir, 'x'))).code).toBe(2);
    const heads = await cli('import', '--checkpoint', ckpt, '--vocab', vocab, '--out', join(dir, 'x'), '--vision-heads', '0', '--std', '0');
    expect(heads.code).toBe(2);
    expect(heads.err).toMatch(/--std must be a positive number, got "0"\n--vision-heads must be a whole number above 0, got "0"/);
    const short = join(dir, 'short.txt');
    writeFileSync(short, readFileSync(vocab, 'utf8').split('\n').slice(0, 1000).join('\n'));
    const mismatch = await cli('import', '--checkpoint', ckpt, '--vocab', short, '--out', join(dir, 'x'), ...HEADS);
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toMatch(/CheckpointError: short\.txt has 1000 tokens; \+\[DEC\]\/\[ENC\] = 1002, but the checkpoint embeds 30524/);
    const notCkpt = await cli('import', '--checkpoint', vocab, '--vocab', vocab, '--out', join(dir, 'x'), ...HEADS);
    expect(notCkpt.code).toBe(1);
    expect(notCkpt.err).toMatch(/CheckpointError: vocab\.txt is neither a PyTorch checkpoint/);
    expect(existsSync(join(dir, 'x'))).toBe(false);
  }, 60_000);
});
