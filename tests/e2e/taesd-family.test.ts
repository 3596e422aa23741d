// The family with SDXS's graph layout and a TAESD-style decoder (sd-tiny-taesd: int64 ids, a scalar
// timestep, noise_pred, latents → image in [0,1], a 48-wide text encoder) in Debian chromium, on the
// WebGPU path (SwiftShader, forced) and on WASM: downloaded from another origin into the store,
// used, N=4 generated and ranked with zero requests. Its images must be real pictures: a decoder
// range handled wrongly (e.g. [0,1] read as [-1,1]) gives washed-out grey, caught by the spread.
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { explained, launch, readCandidateImages, serveDist, startGenerate, waitRanked, type Browser } from '../../scripts/harness/chromium.ts';
import { startModelServer, type ModelServer } from '../../scripts/harness/model-server.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';

const MODELS_OUT = dirname(MODEL_DIRS.sdTinyTaesd);

// Each step's own bound, and the test's their sum (+ the typing): a step that never ends fails
// naming itself and what the page shows, not as a bare test timeout. (Measured alone on 2 cores:
// the whole test 52 s on SwiftShader, 7 s on WASM.)
const STEP = { download: 90_000, choose: 60_000, generate: 150_000 };

let app: { server: PreviewServer; url: string };
let models: ModelServer;
beforeAll(async () => {
  app = await serveDist();
  models = await startModelServer(MODELS_OUT); // not a built-in family: served from models/out
});
afterAll(async () => {
  await app?.server.close();
  await models?.close();
});

describe.each([
  { name: 'WebGPU (software adapter)', webgpu: true, backend: 'webgpu' },
  { name: 'WASM', webgpu: false, backend: 'wasm' },
])('sd-tiny-taesd on $name', ({ webgpu, backend }) => {
  let b: Browser;
  beforeAll(async () => {
    b = await launch(webgpu);
  });
  afterAll(async () => {
    await b?.close();
  });

  it('downloads; on the next visit Generate chooses it by itself and makes N=4 ranked pictures with no request to the model host', async () => {
    const { page } = b;
    const sd = `${models.url}/ok/sd-tiny-taesd/preflens.json`;
    await page.goto(`${app.url}?${new URLSearchParams({ backend, view: 'models', family: sd })}`);
    const card = page.locator(`[data-testid="family"][data-url="${sd}"]`);
    await card.getByTestId('family-download').click();
    await explained(page, card.and(page.locator('[data-state="cached"]')).waitFor({ timeout: STEP.download }));
    // Not "Use this model": on the next visit Generate chooses it by itself, the largest downloaded
    // generator this device runs (the built-in one is the fallback), and says so.
    const served = models.log.length;
    await page.goto(`${app.url}?${new URLSearchParams({ backend, view: 'generate' })}`);
    const generator = page.locator(`[data-testid="generator"][data-origin="${sd}"][data-auto="true"]`);
    await explained(page, generator.waitFor({ state: 'attached', timeout: STEP.choose }));
    expect(await generator.textContent()).toMatch(/chosen for this device: the largest downloaded generator it runs/);
    b.requests.length = 0;
    await startGenerate(page, { prompt: 'three apples on a wooden table', n: 4, seed: 11 });
    await waitRanked(page, 4, STEP.generate);
    // Choosing and running the family read the store: nothing from the model host since the
    // download, and generating made no request at all.
    expect(b.requests).toEqual([]);
    expect(models.log.length).toBe(served);

    const images = (await readCandidateImages(page)).map((c) => c.rgb);
    expect(images).toHaveLength(4);
    for (const rgb of images) {
      expect(rgb).toHaveLength(64 * 64 * 3);
      // A picture, not a flat or washed-out field: values spread over most of 0–255.
      expect(Math.max(...rgb) - Math.min(...rgb)).toBeGreaterThan(100);
    }
    expect(new Set(images.map((rgb) => rgb.join(','))).size).toBe(4);
  }, STEP.download + STEP.choose + STEP.generate + 30_000);
});
