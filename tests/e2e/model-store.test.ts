// Real-model flow end to end in Debian chromium, with the tiny families served "as if remote" by
// another origin (tests/e2e/model-server.ts): download with progress into OPFS, a dropped connection
// resumed with Range, use, reload, generate and score with zero requests, offline reload; a
// truncated, a wrong-hash and a corrupted cached file each named; the storage quota hit mid-download.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { launch, serveDist, startGenerate, truncateStored, waitRanked, type Browser } from '../../scripts/harness/chromium.ts';
import { startModelServer, type ModelServer } from '../../scripts/harness/model-server.ts';
import { sixImages, writeImages } from '../../models/test-images.ts';

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
  await startGenerate(page, { prompt: 'a green colored cat', n: 2, seed: 7 });
  await waitRanked(page, 2, 120_000);
}

async function scoreTwo(page: Page): Promise<void> {
  await page.getByTestId('tab-compare').click();
  await page.getByTestId('prompt').fill('a green colored cat');
  await page.getByTestId('image-input').setInputFiles(writeImages(sixImages()).slice(0, 2));
  await page.getByTestId('score').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="card"][data-rank]:not([data-rank=""])').length === 2, null, { timeout: 120_000 });
}

// On WASM only: downloading, resuming and reading back are the same bytes on either backend, and a
// family read from the store on WebGPU is covered by tests/e2e/import.test.ts (an imported family
// opened from the store after a reload); SwiftShader doubled this file's time for no new path.
describe.each([
  { name: 'WASM', webgpu: false, backend: 'wasm' },
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
    // The Models view reads the shipped manifests (precached, served by the service worker)
    // as it opens; wait for those reads (its card leaves "unknown") so it is not counted as a request
    // made to generate or score.
    for (const m of ['manifests/sd-turbo.json', 'manifests/sdxs-512.json']) {
      const shipped = card(page, new URL(m, app.url).href);
      await shipped.and(page.locator(':not([data-state="unknown"])')).waitFor({ timeout: 60_000 });
    }
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
      await scoreTwo(page);
    } finally {
      await b.context.setOffline(false);
    }
    expect(models.log.length).toBe(served);
  });
});

describe('bad files and a full disk (WASM)', () => {
  let b: Browser;
  beforeAll(async () => {
    b = await launch(false);
  });
  afterAll(async () => {
    await b?.close();
  });

  const errorOf = (page: Page, url: string) => card(page, url).getByTestId('error');

  it('names a file the server truncated and one with the wrong hash, and keeps neither', async () => {
    const { page } = b;
    const truncated = manifest('truncated', 'vp-tiny');
    const wrong = manifest('wronghash', 'sd-tiny');
    await openModels(page, 'wasm', [truncated, wrong]);
    await card(page, truncated).getByTestId('family-download').click();
    await expect.poll(() => errorOf(page, truncated).textContent(), { timeout: 60_000 })
      .toMatch(/model\.onnx: the server has only 786028 bytes, the manifest says 1572056/);
    await card(page, wrong).getByTestId('family-download').click();
    await expect.poll(() => errorOf(page, wrong).textContent(), { timeout: 60_000 })
      .toMatch(/text_encoder\.onnx downloaded from .*\/wronghash\/sd-tiny\/text_encoder\.onnx has sha256 [0-9a-f]{12}…, the manifest expects [0-9a-f]{12}…/);
    expect(await card(page, wrong).getByTestId('family-file').first().getAttribute('data-state')).toBe('missing');
  });

  it('Add refuses a non-https URL before any request, and a manifest that is not there is named and not listed', async () => {
    const { page } = b; // still on the Models view of the test above
    const cards = await page.getByTestId('family').count();
    const alert = page.locator('form.add [role="alert"]');
    b.requests.length = 0;
    for (const [url, says] of [['ftp://models.example/preflens.json', /^ftp:\/\/ is not allowed: a model is only fetched over https/],
      ['http://models.example/x/', /^http:\/\/ is not allowed/], [`${models.url}/ok/nothing/preflens.json`, /HTTP 404/]] as const) {
      await page.getByTestId('family-url').fill(url);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await expect.poll(() => alert.textContent()).toMatch(says);
      expect(await page.getByTestId('family').count()).toBe(cards);
    }
    expect(b.requests.filter((r) => r.includes('models.example'))).toEqual([]);
  });

  it('evicts and names a cached file that was damaged on disk, and falls back to the built-in model', async () => {
    const { page } = b;
    const vp = manifest('ok', 'vp-tiny');
    await openModels(page, 'wasm', [vp]);
    await card(page, vp).getByTestId('family-download').click();
    await waitState(card(page, vp), 'cached');
    await card(page, vp).getByTestId('family-use').click();
    await page.getByTestId('model').getByText(`from downloaded ${vp}`).waitFor({ timeout: 60_000 });
    // Cut the stored model.onnx short, as a crash or a disk problem would.
    await truncateStored(page, `${models.url}/ok/vp-tiny/model.onnx`, 1000);
    await openModels(page, 'wasm', [vp]);
    await page.getByTestId('model').getByText('from built-in').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('model-panel').getByTestId('error').textContent())
      .toMatch(/The cached model\.onnx is truncated \(1000 of 1572056 bytes\) and was removed: download it again/);
    await waitState(card(page, vp), 'partial');
    expect(await card(page, vp).getByTestId('family-file').evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))))
      .toEqual(['missing', 'cached']);
  });

  it('refuses a download the quota cannot hold, and one that fills it mid-file leaves the other family intact', async () => {
    const { page } = b;
    const vp = manifest('ok', 'vp-tiny');
    const sd = manifest('slow', 'sd-tiny');
    const huge = manifest('huge', 'vp-tiny');
    await openModels(page, 'wasm', [vp, sd, huge]);
    await card(page, vp).getByTestId('family-download').click();
    await waitState(card(page, vp), 'cached');

    // Checked before the first byte against navigator.storage.estimate() (the profile's real quota).
    const served = models.log.length;
    await card(page, huge).getByTestId('family-download').click();
    await expect.poll(() => errorOf(page, huge).textContent(), { timeout: 30_000 })
      .toMatch(/Not enough storage: this download needs 50\.00 GB, the browser allows [\d.]+ GB more for this site/);
    expect(models.log.slice(served).filter((r) => r.path.endsWith('.onnx'))).toEqual([]);

    // Full mid-file: Chromium's quota override (DevTools protocol) makes OPFS writes fail as a full
    // disk does. (It does not change what estimate() reports, hence the 50 GB manifest above.)
    const cdp = await b.context.newCDPSession(page);
    const origin = new URL(app.url).origin;
    const usage = () => page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    try {
      await card(page, sd).getByTestId('family-download').click();
      await card(page, sd).getByTestId('download-progress').getByText(/ kB of /).waitFor({ timeout: 30_000 });
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: (await usage()) + 50_000 });
      await expect.poll(() => errorOf(page, sd).textContent(), { timeout: 60_000 })
        .toMatch(/Storage is full: .*\.onnx stopped after .* and was removed; other cached models are untouched/);
      // With storage still full, the family can run from its host for this visit.
      await card(page, sd).getByTestId('family-use-unkept').click();
      await page.locator(`[data-testid="generator"][data-origin="${sd}"]`).waitFor({ state: 'attached', timeout: 60_000 });
      expect(await card(page, sd).getAttribute('data-state')).not.toBe('cached');
    } finally {
      await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    }
    await card(page, vp).getByTestId('family-use').click();
    await page.getByTestId('model').getByText(`from downloaded ${vp}`).waitFor({ timeout: 60_000 });
    expect(await card(page, vp).getAttribute('data-state')).toBe('cached');
  });
});
