// A model exported by tools/export_vp_score.py (random ImageReward-format checkpoint, written by
// tests/tools/export.test.ts, which `npm test` runs before the e2e tests) loaded as the user's own
// folder in Chromium: PrefLens's browser path reproduces PyTorch's rewards (PIL preprocessing,
// tools/score_reference.py) within 1e-3 on the same six image files, on WASM and on WebGPU.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { launch, openApp, serveDist } from '../../scripts/harness/chromium.ts';
import { sixImages, writeImages } from '../../models/test-images.ts';

const EXPORTED = resolve(import.meta.dirname, '../../models/out/vp-export-test');
const REFERENCE = `${EXPORTED}.reference.json`;

let server: PreviewServer;
let url: string;
let reference: { prompt: string; rewards: Record<string, number> };

beforeAll(async () => {
  if (!existsSync(REFERENCE)) {
    throw new Error(`${REFERENCE} is missing: run the unit tests first (tests/tools/export.test.ts exports it)`);
  }
  reference = JSON.parse(readFileSync(REFERENCE, 'utf8'));
  ({ server, url } = await serveDist());
});
afterAll(async () => {
  await server?.close();
});

describe.each([
  { name: 'WASM', webgpu: false, backend: 'wasm' as const },
  { name: 'WebGPU (software adapter)', webgpu: true, backend: 'webgpu' as const },
])('exported VP-Score in Chromium, $name', ({ webgpu, backend }) => {
  it('matches PyTorch within 1e-3 per image', async () => {
    const b = await launch(webgpu);
    try {
      const { page } = b;
      await openApp(page, url, backend, { view: 'compare' });
      await page.getByTestId('model-folder-input').setInputFiles(EXPORTED);
      await expect.poll(() => page.getByTestId('model').textContent(), { timeout: 60_000 }).toContain('vp-export-test');
      await page.getByTestId('prompt').fill(reference.prompt);
      await page.getByTestId('image-input').setInputFiles(writeImages(sixImages()));
      await page.getByTestId('score').click();
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="card"][data-rank]:not([data-rank=""])').length === 6,
        null,
        { timeout: 180_000 },
      );
      // Cards carry the shown score at full precision; reward = score · std + mean.
      const scores = await page.getByTestId('card').evaluateAll((els) =>
        els.map((el) => [el.getAttribute('data-name'), Number(el.getAttribute('data-score'))] as const),
      );
      const manifest = JSON.parse(readFileSync(`${EXPORTED}/preflens.json`, 'utf8'));
      expect(scores).toHaveLength(6);
      for (const [name, score] of scores) {
        const want = reference.rewards[name!];
        const reward = score * manifest.std + manifest.mean;
        console.info(`${name}: PyTorch ${want.toFixed(6)}, Chromium ${reward.toFixed(6)}, |Δ| ${Math.abs(reward - want).toExponential(2)}`);
        expect(Math.abs(reward - want)).toBeLessThanOrEqual(1e-3);
      }
    } finally {
      await b.close();
    }
  });
});
