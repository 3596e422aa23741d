// The written folders: manifests the app accepts, hashes that match, sizes that stay small, and
// the deliberately broken contract of vp-bad-contract.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateVpManifest } from '../../src/lib/engine/kinds/vp-score/manifest.ts';
import type { BuiltFolder } from '../../models/vp-score/build-folder.ts';
import { syntheticPixels } from '../../models/vp-score/synthetic.ts';
import { buildAllFolders, openSession, ort } from './fixtures.ts';

let built: Record<string, BuiltFolder>;
beforeAll(() => {
  built = buildAllFolders();
}, 120_000);

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('model folders', () => {
  it('write a preflens.json that validateVpManifest accepts, with matching hashes and calibration', () => {
    for (const [id, b] of Object.entries(built)) {
      const manifest = validateVpManifest(JSON.parse(readFileSync(join(b.dir, 'preflens.json'), 'utf8')), `${id}/preflens.json`);
      expect(manifest.id).toBe(id);
      expect(manifest.maxLength).toBe(35);
      expect(manifest.imageSize).toBe(224);
      expect(manifest.mean).toBe(b.calibration.mean);
      expect(manifest.std).toBe(b.calibration.std);
      expect(manifest.std).toBeGreaterThan(0.3);
      const model = join(b.dir, manifest.files.model);
      expect(manifest.sha256?.model).toBe(sha256(model));
      expect(manifest.sha256?.tokenizer).toBe(sha256(join(b.dir, manifest.files.tokenizer)));
      expect(manifest.sizes?.modelBytes).toBe(statSync(model).size);
      const total = ['model.onnx', 'tokenizer.json', 'preflens.json'].reduce((s, f) => s + statSync(join(b.dir, f)).size, 0);
      expect(total).toBeLessThan(3.2e6);
    }
  });

  it('vp-bad-contract has int32 input_ids and no attention_mask', async () => {
    const s = await openSession(built['vp-bad-contract'].dir);
    expect(s.inputNames).toEqual(['pixel_values', 'input_ids']);
    expect(s.inputNames).not.toContain('attention_mask');
    const ids = s.inputMetadata.find((m) => m.name === 'input_ids');
    expect(ids?.isTensor && ids.type).toBe('int32');
    // Still a runnable graph, so the failure the app reports is the contract, not a parse error.
    const out = await s.run({
      pixel_values: new ort.Tensor('float32', syntheticPixels([3]), [1, 3, 224, 224]),
      input_ids: new ort.Tensor('int32', Int32Array.from({ length: 35 }, (_, i) => (i === 0 ? 101 : i === 1 ? 102 : 0)), [1, 35]),
    });
    expect(out.reward.dims).toEqual([1, 1]);
    expect(Number.isFinite((out.reward.data as Float32Array)[0])).toBe(true);
  });
});
