// `preflens convert` through main(): writes a loadable variant folder and prints size and agreement.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { parseVpManifest } from '../../src/lib/engine/families/vp-score-manifest.ts';
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
    expect(m.sizes?.modelBytes).toBe(v.bytes);
    expect(readFileSync(join(out, 'vp-tiny-q8', 'model.onnx')).byteLength).toBe(v.bytes);
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

  it('without --out, adds model.<variant>.onnx to the folder and lists it under variants', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflens-convert-inplace-'));
    cpSync(MODEL_DIRS.tiny, dir, { recursive: true });
    const [o, e] = [capture(), capture()];
    expect(await main(['convert', '--model', dir, '--to', 'q8,fp16', '--json'], o, e)).toBe(0);
    const m = parseVpManifest(readFileSync(join(dir, 'preflens.json'), 'utf8'), 'preflens.json', { remote: true });
    expect(Object.keys(m.variants ?? {})).toEqual(['q8', 'fp16']);
    for (const v of ['q8', 'fp16'] as const) {
      const bytes = readFileSync(join(dir, `model.${v}.onnx`));
      expect(m.variants![v]).toEqual({ file: `model.${v}.onnx`, bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    // The fp32 model is untouched and still the base file; the app picks q8 on WASM.
    expect(m.files.model).toBe('model.onnx');
    expect(readFileSync(join(dir, 'model.onnx')).equals(readFileSync(join(MODEL_DIRS.tiny, 'model.onnx')))).toBe(true);
    expect(planFamily(m, 'https://h/vp/preflens.json', 'wasm', false).variant).toBe('q8');
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
