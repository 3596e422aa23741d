// tools/export_vp_score.py end to end on a small random ImageReward-format checkpoint: the exported
// ONNX against PyTorch, PrefLens's own TS pipeline (decode, preprocess, tokenizer.json, ort-web)
// against tools/score_reference.py, strict key errors, and the `module.` prefix. Needs Debian's
// /usr/bin/python3 with python3-torch and python3-onnx; a missing torch is a failure, not a skip.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Engine } from '../../src/lib/engine/engine.ts';
import { createSession, run, tensor } from '../../src/lib/engine/runtime/ort-session.ts';
import { asInputs, sixImages, writeImages } from '../../models/test-images.ts';
import { dirReader } from '../../src/cli/dir-reader.ts';

const PY = '/usr/bin/python3';
const root = resolve(import.meta.dirname, '../..');
const tool = (name: string) => join(root, 'tools', name);
/** Stable output, so a later Chromium e2e can load the folder and compare with the reference. */
const OUT = join(root, 'models/out/vp-export-test');
const CHECK = `${OUT}.check`;
const REFERENCE = `${OUT}.reference.json`;
const HEADS = ['--vision-heads', '2', '--text-heads', '2']; // the test checkpoint's (shapes cannot tell)
// Whole-vocab lowercase words only: the Python reference tokenizer is a plain lookup (see vp_tokenizer.py).
const PROMPT = 'a red cat sitting on a wooden table';

const execAsync = promisify(execFile);
/** Per-test budget: each spawns /usr/bin/python3 (torch import ~1-2 s); ~25 s for the file on an idle box. */
const SLOW = 120_000;
interface PyResult { code: number; stdout: string; stderr: string; ms: number }

async function py(script: string, args: string[]): Promise<PyResult> {
  const t0 = performance.now();
  try {
    const { stdout, stderr } = await execAsync(PY, [tool(script), ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr, ms: performance.now() - t0 };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '', ms: performance.now() - t0 };
  }
}

async function ok(script: string, args: string[]): Promise<PyResult> {
  const r = await py(script, args);
  if (r.code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

let tmp: string;
let vocab: string;
let engine: Engine;
let exportLog: string;

beforeAll(async () => {
  const probe = spawnSync(PY, ['-c', 'import torch, onnx, PIL, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(
      `${PY} cannot import torch/onnx/PIL/numpy, which tools/export_vp_score.py needs ` +
        `(on Debian: apt-get install -y python3-torch python3-onnx python3-pil python3-numpy):\n${probe.stderr || probe.error}`,
    );
  }
  tmp = mkdtempSync(join(tmpdir(), 'preflens-export-'));
  vocab = join(tmp, 'vocab.txt');
  await ok('make_test_checkpoint.py', ['--out', join(tmp, 'ckpt.pt'), '--vocab-out', vocab]);
  rmSync(OUT, { recursive: true, force: true });
  rmSync(CHECK, { recursive: true, force: true });
  const exp = await ok('export_vp_score.py', [
    '--checkpoint', join(tmp, 'ckpt.pt'), '--vocab', vocab, '--out', OUT, '--save-check', CHECK,
    '--id', 'vp-export-test', '--name', 'VP-Score export test (random ImageReward-format weights)', ...HEADS,
  ]);
  exportLog = exp.stdout;
  console.log(`export: ${exp.ms.toFixed(0)} ms\n${exp.stdout}`);
  engine = new Engine();
  await engine.init({ backend: 'wasm' });
}, SLOW);

describe('tools/export_vp_score.py', () => {
  it('prints one progress line per stage and drops the unused keys by name', () => {
    expect(exportLog.split('\n').filter((l) => /^\[\d\/6\] /.test(l))).toHaveLength(6);
    for (const k of ['blip.vision_proj.weight', 'blip.text_proj.bias', 'blip.text_encoder.embeddings.position_ids']) {
      expect(exportLog).toContain(k);
    }
    const man = JSON.parse(readFileSync(join(OUT, 'preflens.json'), 'utf8'));
    expect(man).toMatchObject({ kind: 'vp-score', id: 'vp-export-test', maxLength: 35, imageSize: 224 });
    expect(man.mean).toBe(0.16717362830052426);
    expect(man.std).toBe(1.0333394966054072);
    expect(man.sizes).toMatchObject({ visionWidth: 64, visionLayers: 2, textWidth: 48, textLayers: 2, vocab: 30524 });
    expect(man.sizes.modelBytes).toBe(readFileSync(join(OUT, 'model.onnx')).byteLength);
  });

  it('ONNX on onnxruntime-web matches PyTorch on the same inputs (1e-4 abs)', async () => {
    const check = JSON.parse(readFileSync(join(CHECK, 'check.json'), 'utf8'));
    const raw = readFileSync(join(CHECK, 'pixel_values.f32'));
    const pixels = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const n = check.pixelShape[0] as number;
    const ints = (rows: number[][]) => BigInt64Array.from(rows.flat(), (v) => BigInt(v));
    const data = new Uint8Array(readFileSync(join(OUT, 'model.onnx_data')));
    const session = await createSession(new Uint8Array(readFileSync(join(OUT, 'model.onnx'))), 'wasm', 'model.onnx', { externalData: [{ path: 'model.onnx_data', data }] });
    const out = await run(session, {
      pixel_values: tensor('float32', pixels, check.pixelShape),
      input_ids: tensor('int64', ints(check.inputIds), [n, 35]),
      attention_mask: tensor('int64', ints(check.attentionMask), [n, 35]),
    });
    const rewards = out.reward.data as Float32Array;
    const diff = maxAbs(rewards, check.reward);
    console.log(`ONNX (ort-web wasm) vs PyTorch: max |diff| ${diff.toExponential(2)} over ${n} rows`);
    expect(out.reward.dims).toEqual([n, 1]);
    expect(diff).toBeLessThan(1e-4);
    expect(maxAbs(check.reward, check.rewardUnfolded)).toBeLessThan(1e-5 * Math.max(...check.reward.map(Math.abs)));
    await session.release();
  }, SLOW);

  it("PrefLens's own pipeline on the exported folder reproduces score_reference.py (1e-3)", async () => {
    const images = sixImages();
    const paths = writeImages(images);
    const ref = await ok('score_reference.py', ['--checkpoint', join(tmp, 'ckpt.pt'), '--vocab', vocab, '--prompt', PROMPT, ...HEADS, ...paths]);
    const expected = JSON.parse(ref.stdout) as Record<string, number>;
    const rewards = Object.fromEntries(paths.map((p) => [basename(p), expected[p]]));
    writeFileSync(REFERENCE, `${JSON.stringify({ prompt: PROMPT, images: 'models/test-images.ts sixImages()', rewards }, null, 2)}\n`);

    await engine.loadScorer({ kind: 'reader', origin: 'vp-export-test', read: dirReader(OUT) });
    const r = await engine.score({ prompt: PROMPT, images: asInputs(images), batchSize: 3 });
    const diffs = images.map((im, i) => Math.abs(r.results[i].reward! - rewards[im.name]));
    console.log(`TS pipeline vs PyTorch reference, |diff| per image: ${images.map((im, i) => `${im.name} ${diffs[i].toExponential(2)}`).join(', ')}`);
    // PNG decoding is lossless on both sides; the JPEG is decoded by libjpeg-turbo's decoder on both
    // (PIL's libjpeg; @jsquash/jpeg's MozJPEG build), so every image must agree to 1e-3.
    images.forEach((im, i) => expect(diffs[i], im.name).toBeLessThan(1e-3));
    const want = images.map((im) => rewards[im.name]);
    expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.1); // the images really move the reward
    for (const x of r.results) expect(x.score).toBeCloseTo((x.reward! - 0.16717362830052426) / 1.0333394966054072, 6);
  }, SLOW);

  it('a missing or misshapen key fails the export, naming the key and the shapes', async () => {
    const missing = 'blip.text_encoder.encoder.layer.1.crossattention.self.value.bias';
    const misshapen = 'blip.visual_encoder.blocks.1.attn.proj.weight';
    const [a, b] = await Promise.all([
      ok('make_test_checkpoint.py', ['--out', join(tmp, 'missing.pt'), '--drop-key', missing]),
      ok('make_test_checkpoint.py', ['--out', join(tmp, 'misshapen.pt'), '--reshape-key', misshapen]),
    ]);
    expect(a.code + b.code).toBe(0);
    const [m, s] = await Promise.all(
      ['missing', 'misshapen'].map((k) =>
        py('export_vp_score.py', ['--checkpoint', join(tmp, `${k}.pt`), '--vocab', vocab, '--out', join(tmp, `out-${k}`), ...HEADS]),
      ),
    );
    expect(m.code).not.toBe(0);
    expect(m.stderr).toContain(`1 missing key(s): ${missing}`);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain(`misshapen key ${misshapen}: expected [64, 64], found [65, 64]`);
  }, SLOW);

  it('a module.-prefixed checkpoint exports the same model', async () => {
    await ok('make_test_checkpoint.py', ['--out', join(tmp, 'prefixed.pt'), '--module-prefix']);
    const out = join(tmp, 'out-prefixed');
    await ok('export_vp_score.py', ['--checkpoint', join(tmp, 'prefixed.pt'), '--vocab', vocab, '--out', out, '--id', 'vp-export-test',
      '--name', 'VP-Score export test (random ImageReward-format weights)', ...HEADS]);
    const sha = (dir: string) => JSON.parse(readFileSync(join(dir, 'preflens.json'), 'utf8')).sha256;
    expect(sha(out)).toEqual(sha(OUT));
  }, SLOW);

  it('writes model.onnx + one model.onnx_data by default; --external-data never one self-contained model.onnx', async () => {
    const man = JSON.parse(readFileSync(join(OUT, 'preflens.json'), 'utf8'));
    expect(man.files.modelData).toBe('model.onnx_data');
    expect(man.sizes.modelDataBytes).toBe(readFileSync(join(OUT, 'model.onnx_data')).byteLength);
    expect(man.sizes.modelBytes).toBeLessThan(200_000); // the graph only; weights are in the data file
    expect(man.sha256.modelData).toMatch(/^[0-9a-f]{64}$/);
    const out = join(tmp, 'out-one-file');
    await ok('export_vp_score.py', ['--checkpoint', join(tmp, 'ckpt.pt'), '--vocab', vocab, '--out', out, '--external-data', 'never', ...HEADS]);
    const one = JSON.parse(readFileSync(join(out, 'preflens.json'), 'utf8'));
    expect(one.files.modelData).toBeUndefined();
    expect(existsSync(join(out, 'model.onnx_data'))).toBe(false);
    expect(one.sizes.modelBytes).toBeGreaterThan(0.9 * man.sizes.modelDataBytes); // the weights are in it
  }, SLOW);
});
