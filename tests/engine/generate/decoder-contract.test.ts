// The decoder contract a family names (kinds/sd-turbo/manifest.ts): SD's VAE takes latents
// ÷ 0.18215 and returns [-1,1]; TAESD takes them unscaled and returns [0,1]. sd-tiny and
// sd-tiny-taesd share one decoder network behind the two contracts, so the same latents must give
// the same picture through both — which fails if either scaling or range is applied wrongly. The
// TAESD family also has SDXS's graph layout (int64 ids, scalar timestep, noise_pred, latents → image).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dirReader } from '../../../src/cli/dir-reader.ts';
import { Engine } from '../../../src/lib/engine/engine.ts';
import { readDiffusionFolder, readDiffusionManifest } from '../../../src/lib/engine/kinds/sd-turbo/folder.ts';
import { SdGenerator, toRgb } from '../../../src/lib/engine/kinds/sd-turbo/pipeline.ts';
import { latentNoise } from '../../../src/lib/engine/generate/gaussian-noise.ts';
import { configureRuntime } from '../../../src/lib/engine/runtime/ort-session.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';
import type { DecoderChoice } from '../../../src/lib/engine/kinds/sd-turbo/manifest.ts';
import { createSession, run, tensor } from '../../../src/lib/engine/runtime/ort-session.ts';
import { PREVIEW_FILE } from '../../../models/sd-tiny/build-folder.ts';

async function generator(dir: string, decoder: DecoderChoice = 'full'): Promise<SdGenerator> {
  const read = dirReader(dir);
  const m = await readDiffusionManifest(read, dir);
  return SdGenerator.load(await readDiffusionFolder(read, dir, m, 'fp32', decoder), 'wasm');
}

beforeAll(async () => {
  await configureRuntime({ ep: 'wasm', numThreads: 1 });
});

describe('decoder contracts', () => {
  it('maps each output range to 0–255 as diffusers does', () => {
    const chw = Float32Array.of(-1, 0, 1, -2, 0.5, 2);
    const pick = (r: '[-1,1]' | '[0,1]') => Array.from(toRgb(chw, 2, 1, r).data);
    // [r,g,b] per pixel from planes [c0: -1, 0], [c1: 1, -2], [c2: 0.5, 2]
    expect(pick('[-1,1]')).toEqual([0, 255, 191, 128, 0, 255]);
    expect(pick('[0,1]')).toEqual([0, 255, 128, 0, 0, 255]);
  });

  it('an SD-VAE family and a TAESD family decode the same latents to the same picture', async () => {
    const [vae, taesd] = [await generator(MODEL_DIRS.sdTiny), await generator(MODEL_DIRS.sdTinyTaesd)];
    expect([vae.manifest.decoder, taesd.manifest.decoder]).toEqual([
      { kind: 'vae', scalingFactor: 0.18215, outputRange: '[-1,1]' },
      { kind: 'taesd', scalingFactor: 1, outputRange: '[0,1]' },
    ]);
    const x0 = latentNoise(3, [1, 4, 8, 8]).map((v) => 0.3 * v); // SD latents' scale
    const [a, b] = [await vae.decode(x0), await taesd.decode(x0)];
    expect([b.width, b.height]).toEqual([a.width, a.height]);
    const maxDiff = a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
    expect(maxDiff).toBeLessThanOrEqual(1);
    // Not a flat picture: the comparison means something.
    expect(Math.max(...a.data) - Math.min(...a.data)).toBeGreaterThan(40);
    await Promise.all([vae.release(), taesd.release()]);
  });
});

describe('a family\'s fast preview decoder', () => {
  it('decodes by its own contract (TAESD: unscaled latents, [0,1]), not the family\'s VAE one', async () => {
    const [full, fast] = [await generator(MODEL_DIRS.sdTinyPreview), await generator(MODEL_DIRS.sdTinyPreview, 'preview')];
    expect([full.decoderChoice, fast.decoderChoice]).toEqual(['full', 'preview']);
    const x0 = latentNoise(4, [1, 4, 8, 8]).map((v) => 0.3 * v);
    const [a, b] = [await full.decode(x0), await fast.decode(x0)];
    // The preview graph run by hand as its contract says: latents as they are, output in [0,1].
    const graph = new Uint8Array(readFileSync(join(MODEL_DIRS.sdTinyPreview, PREVIEW_FILE)));
    const session = await createSession(graph, 'wasm', PREVIEW_FILE);
    const out = await run(session, { latents: tensor('float32', x0, [1, 4, 8, 8]) });
    const expected = toRgb(out.image.data as Float32Array, 64, 64, '[0,1]');
    await session.release();
    expect(Array.from(b.data)).toEqual(Array.from(expected.data));
    // Another network: a different picture than the VAE's (so the choice is visible), still a picture.
    const diff = a.data.reduce((m, v, i) => Math.max(m, Math.abs(v - b.data[i])), 0);
    expect(diff).toBeGreaterThan(40);
    expect(Math.max(...b.data) - Math.min(...b.data)).toBeGreaterThan(40);
    await Promise.all([full.release(), fast.release()]);
  });

  it('the engine loads it on request and says so; a family without one refuses by name', async () => {
    const e = new Engine();
    await e.init({ backend: 'wasm' });
    const src = (dir: string) => ({ kind: 'reader' as const, origin: dir.split('/').pop()!, read: dirReader(dir) });
    const fast = await e.loadGenerator(src(MODEL_DIRS.sdTinyPreview), { variant: 'fp32', decoder: 'preview' });
    expect(fast.decoder).toBe('preview');
    const full = await e.loadGenerator(src(MODEL_DIRS.sdTinyPreview), { variant: 'fp32' });
    expect(full.decoder).toBe('full');
    await expect(e.loadGenerator(src(MODEL_DIRS.sdTiny), { variant: 'fp32', decoder: 'preview' }))
      .rejects.toThrow('sd-tiny has no fast preview decoder');
    await e.dispose();
  });
});

describe('a family with SDXS\'s graph layout', () => {
  it('generates and scores through the engine: names and dtypes are read from its graphs', async () => {
    const e = new Engine();
    await e.init({ backend: 'wasm' });
    await e.loadScorer({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) });
    await e.loadGenerator({ kind: 'reader', origin: 'sd-tiny-taesd', read: dirReader(MODEL_DIRS.sdTinyTaesd) }, { variant: 'fp32' });
    const r = await e.generate({ prompt: 'a red cat on a table', n: 2, seed: 5, steps: 1 });
    expect(r.candidates.map((c) => c.seed)).toEqual([5, 6]);
    for (const c of r.candidates) expect(Number.isFinite(c.score)).toBe(true);
    expect(Buffer.from(r.candidates[0].png).equals(Buffer.from(r.candidates[1].png))).toBe(false);
    await e.dispose();
  });
});
