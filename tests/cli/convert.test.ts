// `preflens convert` through main(): writes a loadable variant folder and prints size and agreement.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { dirReader } from '../../src/cli/dir-reader.ts';
import { scoreCheckSet, syntheticImages } from '../../src/lib/engine/kinds/vp-score/import/check-set.ts';
import { readVpScoreFolder } from '../../src/lib/engine/kinds/vp-score/folder.ts';
import { parseVpManifest } from '../../src/lib/engine/kinds/vp-score/manifest.ts';
import { planFamily } from '../../src/lib/engine/families/family-plan.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';
import { capture } from './capture.ts';

const BIN = resolve(import.meta.dirname, '../../bin/preflens.mjs');

describe('preflens convert', () => {
  it('writes OUT/<id>-q8 and prints bytes, ratio, ρ and max |Δscore| on the synthetic check set', async () => {
    const out = mkdtempSync(join(tmpdir(), 'preflens-convert-'));
    const [o, e] = [capture(), capture()];
    expect(await main(['convert', '--model', MODEL_DIRS.tiny, '--to', 'q8', '--out', out, '--json'], o, e)).toBe(0);
    const r = JSON.parse(o.text);
    expect(r.model).toBe('vp-tiny');
    expect(r.checkSet.images).toBe('8 synthetic');
    expect(r.variants).toHaveLength(1);
    const v = r.variants[0];
    expect(v).toMatchObject({ variant: 'q8', id: 'vp-tiny-q8', dir: join(out, 'vp-tiny-q8') });
    expect(v.ratio).toBeLessThan(0.35);
    expect(v.rho).toBeGreaterThan(0.9);
    const m = parseVpManifest(readFileSync(join(out, 'vp-tiny-q8', 'preflens.json'), 'utf8'));
    expect(m.files).toMatchObject({ model: 'model.onnx', modelData: 'model.onnx_data' });
    expect(m.sizes!.modelBytes + m.sizes!.modelDataBytes).toBe(v.bytes);
    const onDisk = ['model.onnx', 'model.onnx_data'].map((f) => readFileSync(join(out, 'vp-tiny-q8', f)).byteLength);
    expect(onDisk).toEqual([m.sizes!.modelBytes, m.sizes!.modelDataBytes]);
    expect(onDisk[0]).toBeLessThan(onDisk[1] / 4); // the weights are in the data file
  });

  it('converts a folder that is already split (an import, vp-tiny-ext): the same variant as from the one-file folder', async () => {
    const run = async (model: string) => {
      const out = mkdtempSync(join(tmpdir(), 'preflens-convert-'));
      const o = capture();
      expect(await main(['convert', '--model', model, '--to', 'q8', '--out', out, '--json'], o, capture())).toBe(0);
      const v = JSON.parse(o.text).variants[0];
      return { v, data: readFileSync(join(v.dir, 'model.onnx_data')) };
    };
    const [one, split] = [await run(MODEL_DIRS.tiny), await run(MODEL_DIRS.tinyExt)];
    expect(split.data.equals(one.data)).toBe(true);
    expect(split.v.rho).toBe(one.v.rho);
    expect(split.v.maxAbsDiff).toBe(one.v.maxAbsDiff);
  });

  // A child process: the native runtime, once chosen, stays for the process.
  it('--runtime native checks agreement on onnxruntime-node: the same ρ and |Δscore| as on WASM (1e-4)', async () => {
    const run = async (runtime: string) => {
      const out = mkdtempSync(join(tmpdir(), 'preflens-convert-'));
      const { stdout } = await promisify(execFile)(process.execPath,
        [BIN, 'convert', '--model', MODEL_DIRS.tiny, '--to', 'q8', '--out', out, '--json', '--runtime', runtime], { timeout: 120_000 });
      return JSON.parse(stdout).variants[0];
    };
    const [wasm, native] = [await run('wasm'), await run('native')];
    expect(native.rho).toBeCloseTo(wasm.rho, 4);
    expect(Math.abs(native.maxAbsDiff - wasm.maxAbsDiff)).toBeLessThan(1e-4);
  });

  it('without --out, adds model.<variant>.onnx + its _data file to the folder and lists them under variants', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflens-convert-inplace-'));
    cpSync(MODEL_DIRS.tiny, dir, { recursive: true });
    const [o, e] = [capture(), capture()];
    expect(await main(['convert', '--model', dir, '--to', 'q8,fp16', '--json'], o, e)).toBe(0);
    const m = parseVpManifest(readFileSync(join(dir, 'preflens.json'), 'utf8'), 'preflens.json', { remote: true });
    expect(Object.keys(m.variants ?? {})).toEqual(['q8', 'fp16']);
    const entry = (file: string) => {
      const bytes = readFileSync(join(dir, file));
      return { file, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
    };
    for (const v of ['q8', 'fp16'] as const) {
      expect(m.variants![v]).toEqual({ ...entry(`model.${v}.onnx`), data: entry(`model.${v}.onnx_data`) });
    }
    // The fp32 model is untouched and still the base file; the app picks q8 on WASM.
    expect(m.files.model).toBe('model.onnx');
    expect(readFileSync(join(dir, 'model.onnx')).equals(readFileSync(join(MODEL_DIRS.tiny, 'model.onnx')))).toBe(true);
    expect(planFamily(m, 'https://h/vp/preflens.json', 'wasm', false).variant).toBe('q8');
    // Read back from disk, the q8 graph finds its data file (the name it was written with).
    const q8 = await readVpScoreFolder(dirReader(dir), dir, m, 'q8');
    expect(q8.externalData?.map((d) => d.path)).toEqual(['model.q8.onnx_data']);
    const scores = await scoreCheckSet(q8, 'wasm', ['a cat'], syntheticImages(2));
    expect(scores[0].every(Number.isFinite)).toBe(true);
  });

  it('refuses an unknown variant (exit 2) and a wrong-contract model (exit 1, says why)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'preflens-convert-'));
    let e = capture();
    expect(await main(['convert', '--model', MODEL_DIRS.tiny, '--to', 'q3', '--out', out], capture(), e)).toBe(2);
    expect(e.text).toMatch(/unknown variant q3/);
    e = capture();
    expect(await main(['convert', '--model', MODEL_DIRS.badContract, '--to', 'fp16', '--out', out], capture(), e)).toBe(1);
    expect(e.text).toMatch(/ConvertError: .*input "input_ids" is int32, expected int64/);
  });
});
