// A family's fast preview decoder (manifest previewDecoder; SD-Turbo offers TAESD) in Debian chromium
// on WebGPU (SwiftShader) and WASM, with sd-tiny-preview: downloaded with the family, chosen on its
// Models card, used by Generate with no request, kept for the next visit. The preview network has
// other weights than the VAE, so the same seeds must give other pictures — still pictures.
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { explained, launch, readCandidateImages, serveDist, startGenerate, truncateStored, waitRanked, type Browser } from '../../scripts/harness/chromium.ts';
import { startModelServer, type ModelServer } from '../../scripts/harness/model-server.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';

const STEP = { download: 60_000, load: 60_000, generate: 90_000 };

let app: { server: PreviewServer; url: string };
let models: ModelServer;
beforeAll(async () => {
  app = await serveDist();
  models = await startModelServer(dirname(MODEL_DIRS.sdTinyPreview));
});
afterAll(async () => {
  await app?.server.close();
  await models?.close();
});

/** Generate one candidate (seed 3: the same latents each time) and return its pixels. */
async function generateOne(page: Page): Promise<number[]> {
  await page.getByTestId('tab-generate').click();
  await startGenerate(page, { prompt: 'a red kite over the sea', n: 1, seed: 3 });
  await waitRanked(page, 1, STEP.generate);
  const [c] = await readCandidateImages(page);
  return c.rgb;
}

describe.each([
  { name: 'WebGPU (software adapter)', webgpu: true, backend: 'webgpu' },
  { name: 'WASM', webgpu: false, backend: 'wasm' },
])('fast preview decoder on $name', ({ webgpu, backend }) => {
  let b: Browser;
  beforeAll(async () => {
    b = await launch(webgpu);
  });
  afterAll(async () => {
    await b?.close();
  });

  it('is chosen per family in Models, used by Generate with no request, kept for the next visit; a damaged copy is named while the family\'s own decoder runs', async () => {
    const { page } = b;
    const sd = `${models.url}/ok/sd-tiny-preview/preflens.json`;
    await page.goto(`${app.url}?${new URLSearchParams({ backend, view: 'models', family: sd })}`);
    const card = page.locator(`[data-testid="family"][data-url="${sd}"]`);
    await card.getByTestId('family-download').click();
    await explained(page, card.and(page.locator('[data-state="cached"]')).waitFor({ timeout: STEP.download }));
    // The preview graph came with the family; the card offers the choice, the family's own decoder first.
    expect(await card.getByTestId('family-file').filter({ hasText: 'vae_decoder.preview.onnx' }).getAttribute('data-state')).toBe('cached');
    expect(await card.getByTestId('family-decoder').getAttribute('data-choice')).toBe('full');
    await card.getByTestId('family-use').click();
    const generator = (decoder: string) => page.locator(`[data-testid="generator"][data-origin="${sd}"][data-decoder="${decoder}"]`);
    await explained(page, generator('full').waitFor({ state: 'attached', timeout: STEP.load }));
    const full = await generateOne(page);

    const served = models.log.length;
    b.requests.length = 0;
    await page.getByTestId('tab-models').click();
    await card.getByTestId('decoder-preview').check();
    await explained(page, generator('preview').waitFor({ state: 'attached', timeout: STEP.load }));
    expect(await generator('preview').textContent()).toMatch(/fast preview decoder/);
    const fast = await generateOne(page);
    // Switching read the stored graph: nothing asked of the model host. (The Models view itself
    // re-reads the app's shipped manifest list from the app's origin; offline-app.test covers that.)
    expect(b.requests.filter((u) => u.startsWith(models.url))).toEqual([]);
    expect(models.log.length).toBe(served);

    expect(fast).toHaveLength(64 * 64 * 3);
    expect(Math.max(...fast) - Math.min(...fast)).toBeGreaterThan(100);
    // The same seed through another decoder network: another picture.
    expect(fast.reduce((m, v, k) => Math.max(m, Math.abs(v - full[k])), 0)).toBeGreaterThan(40);
    // The next visit loads the family with the decoder chosen for it.
    await page.goto(`${app.url}?${new URLSearchParams({ backend, view: 'generate' })}`);
    await explained(page, generator('preview').waitFor({ state: 'attached', timeout: STEP.load }));

    // The stored preview graph cut short (a crash, a disk problem): the next visit names it, removes
    // it, and runs the same family with its own decoder meanwhile; the error stays shown.
    await truncateStored(page, `${models.url}/ok/sd-tiny-preview/vae_decoder.preview.onnx`, 1000);
    await page.reload();
    await explained(page, generator('full').waitFor({ state: 'attached', timeout: STEP.load }));
    expect(await page.getByTestId('error').first().textContent()).toMatch(/The cached vae_decoder\.preview\.onnx is truncated \(1000 of \d+ bytes\) and was removed: download it again/);
  }, STEP.download + 4 * STEP.load + 2 * STEP.generate);
});
