// `preflens convert` when the float32 reference does not fit in WASM (a full-size model): the
// variants are written all the same and the agreement check is skipped with a message. The OOM is
// stood in for by making scoreCheckSet fail as ort does at full size (OutOfMemoryError), on the
// float32 folder only; everything else is the real converter.
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MODEL_DIRS } from '../../models/dirs.ts';
import { capture } from './capture.ts';

vi.mock('../../src/lib/engine/kinds/vp-score/import/check-set.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/lib/engine/kinds/vp-score/import/check-set.ts')>();
  const { OutOfMemoryError } = await import('../../src/lib/engine/errors.ts');
  return {
    ...real,
    scoreCheckSet: async (...args: Parameters<typeof real.scoreCheckSet>) => {
      if (!args[0].manifest.dtype || args[0].manifest.dtype === 'fp32') {
        throw new OutOfMemoryError('model.onnx (1786 MB) does not fit in WebAssembly memory');
      }
      return real.scoreCheckSet(...args);
    },
  };
});

const { main } = await import('../../src/cli/main.ts');

describe('preflens convert, float32 too big for WASM', () => {
  it('writes every variant, skips the agreement check and says why (exit 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflens-convert-oom-'));
    cpSync(MODEL_DIRS.tiny, dir, { recursive: true });
    const [o, e] = [capture(), capture()];
    expect(await main(['convert', '--model', dir, '--to', 'q8,q4f16', '--json'], o, e)).toBe(0);
    expect(e.text).toMatch(/agreement not checked: the float32 reference does not fit in WASM memory here; --runtime native checks it .* \(model\.onnx \(1786 MB\)/);
    const r = JSON.parse(o.text);
    expect(r.checkSkipped).toMatch(/^agreement not checked/);
    expect(r.variants.map((v: { variant: string; rho?: number }) => [v.variant, v.rho])).toEqual([['q8', undefined], ['q4f16', undefined]]);
    for (const v of ['q8', 'q4f16']) expect(existsSync(join(dir, `model.${v}.onnx`))).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'preflens.json'), 'utf8')).variants)).toEqual(['q8', 'q4f16']);
  });
});
