// Convert the built tiny models to fp16 / q8 / q4, load each folder with the Engine on WASM (so the
// manifest, size and sha256 checks run too), score 6 images × 3 prompts, and compare with float32.
// Measured on this set (vp-tiny / vp-tiny-wide), ratio to fp32 · ρ · max |Δscore|:
//   fp16 0.510 / 0.509 · 1.000 / 1.000 · 0.0026 / 0.0023
//   q8   0.281 / 0.279 · 1.000 / 1.000 · 0.092  / 0.062
//   q4   0.254 / 0.242 · 0.967 / 0.951 · 0.58   / 0.26
//   q4f16 ≈ q4 (fp16 activations and scales add little on top of the 4-bit weight error)
// (exact values are printed by this test). Score = (reward − mean)/std is calibrated to spread ≈ 1,
// so the bounds below read in units of the score's spread: fp16 rounds weights to 11 significant
// bits (≈5e-4 relative) → 0.02; q8 rounds weights to 1/254 of a column's peak plus 8-bit
// activations → 0.3; q4 (and q4f16) has 16 levels per 32 weights (≈6% of a block's peak) on random weights
// that, unlike trained ones, have no structure to average the error out → 1.5. ρ ≥ 0.9 everywhere.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agreement } from '../../../src/lib/engine/convert/agreement.ts';
import { VARIANTS, type Variant } from '../../../src/lib/engine/convert/convert-model.ts';
import { decodeModel, type Model } from '../../../src/lib/engine/runtime/onnx-io.ts';
import { ConvertError } from '../../../src/lib/engine/errors.ts';
import { convertFolder, type SourceFolder } from '../../../src/lib/engine/kinds/vp-score/import/variant-folder.ts';
import { Engine } from '../../../src/lib/engine/engine.ts';
import { parseVpManifest } from '../../../src/lib/engine/kinds/vp-score/manifest.ts';
import { asInputs, sixImages } from '../../../models/test-images.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';
import { dirReader } from '../../../src/cli/dir-reader.ts';

const PROMPTS = ['a green colored cat on a red sofa', 'three red apples on a wooden table', 'a dog'];
const MAX_DIFF: Record<Variant, number> = { fp16: 0.02, q8: 0.3, q4: 1.5, q4f16: 1.5 };
const measured: string[] = [];
const IMAGES = sixImages(); // encoding the PNGs takes ~0.5 s: once per file

function source(dir: string): SourceFolder {
  return {
    manifest: parseVpManifest(readFileSync(join(dir, 'preflens.json'), 'utf8')),
    modelBytes: new Uint8Array(readFileSync(join(dir, 'model.onnx'))),
    tokenizerBytes: new Uint8Array(readFileSync(join(dir, 'tokenizer.json'))),
    origin: dir,
  };
}

async function scoreAll(engine: Engine, dir: string): Promise<number[][]> {
  await engine.loadScorer({ kind: 'reader', origin: dir, read: dirReader(dir) });
  const out: number[][] = [];
  for (const prompt of PROMPTS) out.push((await engine.score({ prompt, images: asInputs(IMAGES) })).results.map((r) => r.score!));
  return out;
}

/** Bytes of the MatMul weights (+ their scales), whatever form they are in. */
function matmulWeightBytes(m: Model): number {
  const g = m.graph!;
  const inits = new Map(g.initializer!.map((t) => [t.name!, t.rawData!.byteLength]));
  const dql = new Set(g.node!.filter((n) => n.opType === 'DynamicQuantizeLinear').flatMap((n) => n.output!));
  const names = g.node!.flatMap((n) => {
    if (n.opType === 'MatMul' || n.opType === 'MatMulInteger') return [n.input![1]];
    if (n.opType === 'MatMulNBits') return n.input!.slice(1, 3);
    if (n.opType === 'Mul' && dql.has(n.input![0])) return [n.input![1]];
    return [];
  });
  return names.reduce((s, x) => s + (inits.get(x) ?? 0), 0);
}

describe.each([
  ['vp-tiny', MODEL_DIRS.tiny],
  ['vp-tiny-wide', MODEL_DIRS.wide],
])('convert %s', (name, dir) => {
  const engine = new Engine();
  const src = source(dir);
  let ref: number[][];
  const sizes: Partial<Record<Variant, { bytes: number; matmul: number }>> = {};

  beforeAll(async () => {
    await engine.init({ backend: 'wasm' });
    ref = await scoreAll(engine, dir);
  });
  afterAll(() => engine.dispose());

  it.each(VARIANTS)('%s loads on WASM, agrees with float32 and shrinks', async (variant) => {
    const v = await convertFolder(src, variant);
    expect(v.manifest.id).toBe(`${name}-${variant}`);
    const out = mkdtempSync(join(tmpdir(), `preflens-${variant}-`));
    for (const [file, bytes] of Object.entries(v.files)) writeFileSync(join(out, file), bytes);
    expect(readFileSync(join(out, 'tokenizer.json')).equals(src.tokenizerBytes)).toBe(true); // toEqual on 646 kB is slow

    const got = await scoreAll(engine, out); // loadScorer checks modelBytes and sha256 from the new manifest
    const a = agreement(ref, got);
    const ratio = v.modelBytes.byteLength / src.modelBytes.byteLength;
    sizes[variant] = { bytes: v.modelBytes.byteLength, matmul: matmulWeightBytes(decodeModel(v.modelBytes)) };
    measured.push(`${name} ${variant}: ${v.modelBytes.byteLength} B (${ratio.toFixed(3)}× fp32, MatMul weights ${sizes[variant]!.matmul} B), ρ ${a.rho.toFixed(4)} (worst prompt ${a.minPromptRho.toFixed(4)}), max |Δscore| ${a.maxAbsDiff.toFixed(4)}`);

    expect(a.rho).toBeGreaterThanOrEqual(0.9);
    expect(a.maxAbsDiff).toBeLessThanOrEqual(MAX_DIFF[variant]);
    if (variant === 'fp16') {
      expect(a.rho).toBeGreaterThanOrEqual(0.99);
      expect(ratio).toBeGreaterThan(0.45);
      expect(ratio).toBeLessThan(0.55);
    } else {
      expect(ratio).toBeGreaterThan(0.2);
      expect(ratio).toBeLessThan(0.35);
    }
  });

  it('q4 stores the MatMul weights in less than q8 does, and the whole file is smaller', () => {
    const fp32 = matmulWeightBytes(decodeModel(src.modelBytes));
    expect(sizes.q8!.matmul).toBeLessThan(0.3 * fp32);
    expect(sizes.q4!.matmul).toBeLessThan(0.7 * sizes.q8!.matmul);
    expect(sizes.q4!.bytes).toBeLessThan(sizes.q8!.bytes);
    measured.push(`${name} fp32 MatMul weights ${fp32} B of ${src.modelBytes.byteLength} B`);
  });
});

describe('refusals', () => {
  it('refuses a graph with the wrong contract, naming the input', async () => {
    await expect(convertFolder(source(MODEL_DIRS.badContract), 'q8')).rejects.toThrow(ConvertError);
    await expect(convertFolder(source(MODEL_DIRS.badContract), 'fp16')).rejects.toThrow(/input "input_ids" is int32, expected int64/);
  });

  it('refuses an already converted graph and bytes that are not ONNX', async () => {
    const src = source(MODEL_DIRS.tiny);
    const fp16 = await convertFolder(src, 'fp16');
    await expect(convertFolder({ ...src, modelBytes: fp16.modelBytes }, 'q8')).rejects.toThrow(/already float16/);
    const q8 = await convertFolder(src, 'q8');
    await expect(convertFolder({ ...src, modelBytes: q8.modelBytes }, 'fp16')).rejects.toThrow(/already quantized/);
    const q4 = await convertFolder(src, 'q4');
    await expect(convertFolder({ ...src, modelBytes: q4.modelBytes }, 'q4')).rejects.toThrow(/already/);
    await expect(convertFolder({ ...src, modelBytes: new TextEncoder().encode('<html>') }, 'fp16')).rejects.toThrow(ConvertError);
  });
});

afterAll(() => {
  console.log(`conversion measurements:\n  ${measured.join('\n  ')}`);
});
