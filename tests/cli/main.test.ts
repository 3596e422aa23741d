// The command line, run as a user runs it (`node bin/preflens.mjs`, what `npx preflens` calls),
// against the built tiny model and image files on disk.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { badImages, sixImages, writeImages } from '../../models/test-images.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';
import { capture } from './capture.ts';

const BIN = resolve(import.meta.dirname, '../../bin/preflens.mjs');

describe('preflens score', () => {
  it('prints file, raw reward, score and rank for each image as JSON', async () => {
    const files = writeImages(sixImages());
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [BIN, 'score', '--model', MODEL_DIRS.tiny, '--prompt', 'a dog on the beach', ...files],
      { timeout: 120_000 },
    );
    const out = JSON.parse(stdout);
    const manifest = JSON.parse(readFileSync(join(MODEL_DIRS.tiny, 'preflens.json'), 'utf8'));
    expect(out.model).toBe('vp-tiny');
    expect(out.backend).toBe('wasm');
    expect(out.results.map((r: { file: string }) => r.file)).toEqual(files);
    expect(out.results.map((r: { rank: number }) => r.rank).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    for (const r of out.results) {
      expect(Number.isFinite(r.reward)).toBe(true);
      // The shown score is the manifest's normalization of the raw reward.
      expect(r.score).toBeCloseTo((r.reward - manifest.mean) / manifest.std, 5);
    }
  });

  // In child processes: the native runtime, once chosen, stays for the process.
  it('--runtime native (onnxruntime-node) gives the WASM rewards within 1e-5 and says which runtime ran', async () => {
    const files = writeImages(sixImages());
    const run = async (runtime: string, model = MODEL_DIRS.tiny) => JSON.parse((await promisify(execFile)(
      process.execPath, [BIN, 'score', '--model', model, '--prompt', 'a dog on the beach', '--runtime', runtime, ...files], { timeout: 120_000 },
    )).stdout);
    const [wasm, native] = [await run('wasm'), await run('native')];
    expect([wasm.runtime, native.runtime]).toEqual(['onnxruntime-web (WASM)', 'onnxruntime-node (native CPU)']);
    native.results.forEach((r: { reward: number }, i: number) => expect(Math.abs(r.reward - wasm.results[i].reward)).toBeLessThan(1e-5));
    // The store's layout (graph + model.onnx_data, what imports write) on the native runtime too.
    const split = await run('native', MODEL_DIRS.tinyExt);
    split.results.forEach((r: { reward: number }, i: number) => expect(Math.abs(r.reward - wasm.results[i].reward)).toBeLessThan(1e-5));
    const err = capture();
    expect(await main(['score', '--model', MODEL_DIRS.tiny, '--prompt', 'a cat', '--runtime', 'gpu', files[0]], capture(), err)).toBe(2);
    expect(err.text).toMatch(/^--runtime must be wasm or native, got "gpu"/);
  });

  it('reports a bad file in its row, exits 1, and still scores the others', async () => {
    const files = writeImages([...badImages(), sixImages()[2]]);
    const out = capture();
    const code = await main(['score', '--model', MODEL_DIRS.tiny, '--prompt', 'a cat', ...files], out, capture());
    expect(code).toBe(1);
    const results = JSON.parse(out.text).results;
    expect(results[0].error.name).toBe('UnsupportedImageTypeError');
    expect(results[1].error.name).toBe('ImageDecodeError');
    expect(results[2].rank).toBe(1);
  });

  it('an empty prompt, a missing model folder and missing arguments are clear errors', async () => {
    const [img] = writeImages([sixImages()[0]]);
    const err = capture();
    expect(await main(['score', '--model', MODEL_DIRS.tiny, '--prompt', ' ', img], capture(), err)).toBe(1);
    expect(err.text).toMatch(/EmptyPromptError: The prompt is empty/);
    const err2 = capture();
    expect(await main(['score', '--model', '/nonexistent/model', '--prompt', 'a cat', img], capture(), err2)).toBe(1);
    expect(err2.text).toMatch(/ModelFileError: \/nonexistent\/model\/preflens\.json: no such file or folder/);
    const err3 = capture();
    expect(await main(['score', '--prompt', 'a cat'], capture(), err3)).toBe(2);
    expect(err3.text).toMatch(/^usage: preflens score/);
  });

  it('a missing image and a folder given as an image fail on their own rows, naming the path; the rest are scored', async () => {
    const [img] = writeImages([sixImages()[0]]);
    const out = capture();
    const code = await main(['score', '--model', MODEL_DIRS.tiny, '--prompt', 'a cat', '/no/such/a.png', tmpdir(), img], out, capture());
    expect(code).toBe(1);
    const [missing, folder, ok] = JSON.parse(out.text).results;
    expect(missing.error).toMatchObject({ name: 'ImageFileError', message: '/no/such/a.png: no such file or folder' });
    expect(folder.error).toMatchObject({ name: 'ImageFileError', message: `${tmpdir()}: is a folder, not an image file` });
    expect(ok.rank).toBe(1);
  });

  it('refuses --threads and --batch outside their ranges and --out on a file, naming them; --help prints the usage (exit 0)', async () => {
    const [img] = writeImages([sixImages()[0]]);
    for (const [flag, value, range] of [['--threads', '999', '1 to 16'], ['--threads', '0', '1 to 16'], ['--threads', 'abc', '1 to 16'],
      ['--batch', 'abc', '1 to 64'], ['--batch', '2.5', '1 to 64'], ['--batch', '-1', '1 to 64']] as const) {
      const err = capture();
      expect(await main(['score', '--model', MODEL_DIRS.tiny, '--prompt', 'a cat', `${flag}=${value}`, img], capture(), err)).toBe(2);
      expect(err.text).toMatch(new RegExp(`^${flag} must be a whole number from ${range}, got "${value.replace('.', '\\.')}"`));
    }
    const err = capture();
    expect(await main(['convert', '--model', MODEL_DIRS.tiny, '--threads', '0'], capture(), err)).toBe(2);
    expect(err.text).toMatch(/^--threads must be a whole number from 1 to 16, got "0"/);
    for (const cmd of [['convert', '--model', MODEL_DIRS.tiny, '--to', 'q8'], ['import', '--checkpoint', img, '--vocab', img]]) {
      const e = capture();
      expect(await main([...cmd, '--out', img], capture(), e)).toBe(2);
      expect(e.text).toContain(`--out ${img} is a file, not a folder`);
    }
    const out = capture();
    expect(await main(['--help'], out, capture())).toBe(0);
    expect(out.text).toMatch(/^usage: preflens score .*\nusage: preflens convert .*\nusage: preflens import /);
    const unknown = capture();
    expect(await main(['scroe'], capture(), unknown)).toBe(2);
    expect(unknown.text).toMatch(/^unknown command "scroe"\nusage: preflens score/);
  });
});
