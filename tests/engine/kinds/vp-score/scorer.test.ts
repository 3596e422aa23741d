// The scorer on the built tiny model in Node (ort-web WASM): batching, normalisation, ranking,
// per-image errors, cancel, and each bad-model case with its specific error.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine } from '../../../../src/lib/engine/engine.ts';
import { ContractError, EmptyPromptError, ModelFileError } from '../../../../src/lib/engine/errors.ts';
import { asInputs, badImages, sixImages } from '../../../../models/test-images.ts';
import { MODEL_DIRS } from '../../../../models/dirs.ts';
import { dirReader } from '../../../../src/cli/dir-reader.ts';

const prompt = 'a green colored cat on a red sofa';
let engine: Engine;

beforeAll(async () => {
  engine = new Engine();
  await engine.init({ backend: 'wasm' });
  await engine.loadScorer({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) });
});

describe('VpScorer', () => {
  it('scores and ranks; batch 1 and batch 8 agree', async () => {
    const a = await engine.score({ prompt, images: asInputs(sixImages()), batchSize: 1 });
    const b = await engine.score({ prompt, images: asInputs(sixImages()), batchSize: 8 });
    expect(a.cancelled).toBe(false);
    expect([...a.ranks].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(b.ranks).toEqual(a.ranks);
    a.results.forEach((r, i) => expect(Math.abs(r.reward! - b.results[i].reward!)).toBeLessThan(1e-5));
    const manifest = JSON.parse(await readFile(join(MODEL_DIRS.tiny, 'preflens.json'), 'utf8'));
    for (const r of a.results) expect(r.score).toBeCloseTo((r.reward! - manifest.mean) / manifest.std, 5);
    expect(new Set(a.results.map((r) => r.reward!.toFixed(5))).size).toBe(6);
  });

  it('scores depend on the prompt', async () => {
    const a = await engine.score({ prompt: 'a dog', images: asInputs(sixImages()) });
    const b = await engine.score({ prompt: 'three red apples on a wooden table', images: asInputs(sixImages()) });
    expect(a.results[0].reward).not.toBeCloseTo(b.results[0].reward!, 4);
  });

  it('reports bad images per item and scores the others', async () => {
    const r = await engine.score({ prompt, images: asInputs([...badImages(), sixImages()[1]]) });
    expect(r.results.map((x) => x.error?.name)).toEqual(['UnsupportedImageTypeError', 'ImageDecodeError', undefined]);
    expect(r.ranks).toEqual([0, 0, 1]);
  });

  it('refuses an empty prompt and truncates an over-long one with a notice', async () => {
    await expect(engine.score({ prompt: '   ', images: asInputs(sixImages()) })).rejects.toThrow(EmptyPromptError);
    const long = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'red' : 'cat')).join(' ');
    const r = await engine.score({ prompt: long, images: asInputs(sixImages().slice(0, 2)) });
    expect(r.prompt).toMatchObject({ truncated: true, pieceCount: 50, maxPieces: 33 });
    expect(r.results.every((x) => Number.isFinite(x.score))).toBe(true);
  });

  it('cancel stops between items and keeps what was scored', async () => {
    const images = asInputs([...sixImages(), ...sixImages()]);
    let seen = 0;
    const r = await engine.score({ prompt, images, batchSize: 2 }, (e) => {
      if (e.kind === 'result' && ++seen === 2) engine.cancel();
    });
    expect(r.cancelled).toBe(true);
    const scored = r.results.filter((x) => x.score !== undefined).length;
    expect(scored).toBe(2);
    expect(r.ranks.filter((x) => x > 0)).toHaveLength(2);
  });

  it('times the stages outside session.run', async () => {
    const r = await engine.score({ prompt, images: asInputs(sixImages()) });
    const t = r.timings;
    expect(t.runMs).toBeGreaterThan(0);
    expect(t.decodeMs + t.preprocessMs + t.runMs).toBeLessThanOrEqual(t.totalMs + 1);
  });
});

describe('loading bad models', () => {
  const load = (e: Engine, dir: string, override: Record<string, Uint8Array> = {}) =>
    e.loadScorer({ kind: 'reader', origin: dir, read: dirReader(dir, override) });

  it('a graph with the wrong inputs is a ContractError naming them', async () => {
    const e = new Engine();
    await e.init({ backend: 'wasm' });
    await expect(load(e, MODEL_DIRS.badContract)).rejects.toThrow(ContractError);
    await expect(load(e, MODEL_DIRS.badContract)).rejects.toThrow(/input_ids|attention_mask/);
  });

  it('a truncated or corrupt model file is a ModelFileError naming the file', async () => {
    const bytes = new Uint8Array(await readFile(join(MODEL_DIRS.tiny, 'model.onnx')));
    const manifest = JSON.parse(await readFile(join(MODEL_DIRS.tiny, 'preflens.json'), 'utf8'));
    // Without size/hash in the manifest the ONNX parser itself must catch it.
    const bare = new TextEncoder().encode(JSON.stringify({ ...manifest, sizes: undefined, sha256: undefined }));
    const e = new Engine();
    await e.init({ backend: 'wasm' });
    for (const broken of [bytes.slice(0, bytes.length >> 1), new TextEncoder().encode('<html>not a model</html>')]) {
      const p = load(e, MODEL_DIRS.tiny, { 'model.onnx': broken, 'preflens.json': bare });
      await expect(p).rejects.toThrow(ModelFileError);
      await expect(load(e, MODEL_DIRS.tiny, { 'model.onnx': broken, 'preflens.json': bare })).rejects.toThrow(/model\.onnx/);
    }
    // With the manifest's size and sha256 the damage is named before parsing.
    await expect(load(e, MODEL_DIRS.tiny, { 'model.onnx': bytes.slice(0, 1000) })).rejects.toThrow(
      /model\.onnx is 1000 bytes but preflens\.json says \d+: truncated/,
    );
    const flipped = bytes.slice();
    flipped[flipped.length - 10] ^= 0xff;
    await expect(load(e, MODEL_DIRS.tiny, { 'model.onnx': flipped })).rejects.toThrow(/sha256/);
  });

  it('a failed load keeps the previous model working', async () => {
    const e = new Engine();
    await e.init({ backend: 'wasm' });
    await load(e, MODEL_DIRS.tiny);
    await expect(load(e, MODEL_DIRS.badContract)).rejects.toThrow(ContractError);
    const r = await e.score({ prompt, images: asInputs(sixImages().slice(0, 2)) });
    expect(r.results.every((x) => Number.isFinite(x.score))).toBe(true);
  });

  it('no WebGPU: forcing it fails clearly, auto falls back to WASM', async () => {
    const e = new Engine();
    await expect(e.init({ backend: 'webgpu', gpu: { requestAdapter: async () => null } })).rejects.toThrow(
      /WebGPU was requested but is not available here: no WebGPU adapter/,
    );
    expect((await e.init({ backend: 'auto', gpu: { requestAdapter: async () => null } })).ep).toBe('wasm');
  });
});
