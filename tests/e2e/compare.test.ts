// Compare view end to end in Debian chromium: the same 6 images ranked on the WebGPU (SwiftShader)
// path and on the WASM path (no WebGPU), the same ranking, scores within 1e-3, the backend named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { launch, openApp, readCards, serveDist, type Browser, type CardState } from '../../scripts/harness/chromium.ts';
import { badImages, sixImages, writeImages } from '../../models/test-images.ts';

let server: PreviewServer;
let url: string;
const six = writeImages(sixImages());
const ranked: Record<string, CardState[]> = {};

beforeAll(async () => {
  ({ server, url } = await serveDist());
});
afterAll(async () => {
  await server?.close();
});

/** `appRequestsOnly`: after a device loss the new worker re-reads the app's own files; else none at all. */
async function scoreSix(b: Browser, opts: { appRequestsOnly?: boolean } = {}): Promise<CardState[]> {
  const { page } = b;
  await page.getByTestId('prompt').fill('a green colored cat on a red sofa');
  await page.getByTestId('image-input').setInputFiles(six);
  b.requests.length = 0;
  await page.getByTestId('score').click();
  await page.waitForFunction(
    () => document.querySelectorAll('[data-testid="card"][data-rank]:not([data-rank=""])').length === 6,
    null,
    { timeout: 180_000 },
  );
  // Privacy: with the model loaded, scoring makes no network request at all.
  if (opts.appRequestsOnly) expect(b.requests.every((r) => r.startsWith(url))).toBe(true);
  else expect(b.requests).toEqual([]);
  return readCards(page);
}

const paths = [
  // WASM first: the WebGPU page's last test compares its device-loss fallback with these scores.
  { name: 'WASM (no WebGPU)', webgpu: false, backend: 'auto' as const, header: /^WASM \(no WebGPU: no WebGPU adapter/ },
  { name: 'WebGPU (software adapter)', webgpu: true, backend: 'webgpu' as const, header: /^WebGPU \(google swiftshader/ },
];

describe.each(paths)('$name', ({ name, webgpu, backend, header }) => {
  let b: Browser;
  beforeAll(async () => {
    b = await launch(webgpu);
    await openApp(b.page, url, backend, { view: 'compare', testHooks: webgpu });
  });
  afterAll(async () => {
    await b?.close();
  });

  it('names the backend and the onnxruntime build in the header (JSPI: the native WebGPU EP, not JSEP)', async () => {
    await expect.poll(() => b.page.getByTestId('backend').textContent()).toMatch(header);
    expect(await b.page.getByTestId('runtime').textContent()).toBe('onnxruntime-web (JSPI build)');
  });

  it('ranks 6 dropped images with scores, ranks and bars', async () => {
    const cards = await scoreSix(b);
    expect(cards.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    const scores = cards.map((c) => c.score);
    expect(scores.every(Number.isFinite)).toBe(true);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    // A real model: the six images do not all get one score.
    expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(1e-3);
    expect(await b.page.locator('.bar span').count()).toBe(6);
    ranked[name] = cards;
  });

  // Decoding errors and Cancel between items are the same code on both backends: tested on WASM
  // (SwiftShader makes every WebGPU run several times slower, and CI time is bounded).
  if (webgpu) {
    // On the same page (opened with ?test-hooks): a new one would only add a launch and a model load.
    it('GPU device lost: scores every image on a fresh WASM worker and says so', async () => {
      const { page } = b;
      await page.getByRole('button', { name: 'Clear' }).click();
      // A driver reset before the batch reaches the GPU: the first run on the lost device fails.
      expect(await page.evaluate(() => (window as unknown as { preflensTest: { loseGpuDevice(): Promise<boolean> } }).preflensTest.loseGpuDevice())).toBe(true);
      const cards = await scoreSix(b, { appRequestsOnly: true });
      expect(cards.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(b.requests.length).toBeGreaterThan(0);
      expect(await page.getByTestId('notice').textContent()).toMatch(/GPU device lost .*: continuing on WASM/);
      expect(await page.getByTestId('backend').textContent()).toMatch(/^WASM \(GPU device lost/);
      // The WASM scores are the ones the WASM path gives without any device loss.
      const wasm = ranked['WASM (no WebGPU)'];
      expect(wasm).toBeDefined();
      cards.forEach((c, i) => expect(Math.abs(c.score - wasm[i].score)).toBeLessThanOrEqual(1e-6));
    });
    return;
  }

  it('refuses a non-image before scoring and reports a truncated file on its card, scoring the rest', async () => {
    const { page } = b;
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByTestId('image-input').setInputFiles([...writeImages(badImages()), six[0]]);
    // The text file is told apart by its first bytes: a tile without a thumbnail, not counted.
    await expect.poll(() => page.getByTestId('score').textContent()).toBe('Score 2 images');
    expect(await page.getByTestId('refused-count').textContent()).toMatch(/^1 file refused and not\s+counted/);
    expect(await page.getByTestId('card-refused').evaluateAll((els) => els.map((e) => [e.getAttribute('data-error-name'), e.textContent])))
      .toEqual([['UnsupportedImageTypeError', '"notes.txt" is not a PNG, JPEG or WebP image']]);
    expect(await page.locator('[data-refused] img').count()).toBe(0);
    await page.getByTestId('score').click();
    // Only decoding finds the truncated PNG.
    await page.getByTestId('notice').getByText('1 image could not be scored').waitFor({ timeout: 120_000 });
    const errs = await page.getByTestId('card-error').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-error-name'), e.textContent]),
    );
    expect(errs).toHaveLength(1);
    expect(errs[0][0]).toBe('ImageDecodeError');
    expect(errs[0][1]).toMatch(/^"truncated.png" could not be decoded/);
    expect((await readCards(page)).filter((c) => c.rank === 1).map((c) => c.name)).toEqual(['gradient.png']);
  });

  it('Cancel stops a run between items and keeps what was scored', async () => {
    const { page } = b;
    const many = writeImages(
      Array.from({ length: 30 }, (_, i) => sixImages()[i % 6]).map((im, i) => ({ ...im, name: `${i}-${im.name}` })),
    );
    const clear = page.getByRole('button', { name: 'Clear' });
    if (await clear.isEnabled()) await clear.click();
    await page.getByTestId('prompt').fill('three apples on a table');
    await page.getByTestId('image-input').setInputFiles(many);
    // Press Cancel the moment the first score shows (from inside the page: a Playwright round trip
    // is slower than the tiny model on WASM).
    await page.evaluate(() => {
      const obs = new MutationObserver(() => {
        if (!document.querySelector('[data-testid="card"][data-rank]:not([data-rank=""])')) return;
        obs.disconnect();
        document.querySelector<HTMLButtonElement>('[data-testid="cancel"]')?.click();
      });
      obs.observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    await page.getByTestId('score').click();
    const notice = await page.getByTestId('notice').textContent({ timeout: 60_000 });
    const kept = Number(/^Cancelled: (\d+) of 30 scored and kept/.exec(notice ?? '')?.[1]);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(30);
    const cards = await readCards(page);
    expect(cards).toHaveLength(30);
    expect(cards.filter((c) => c.rank > 0)).toHaveLength(kept);
    expect(await page.getByTestId('score').isEnabled()).toBe(true);
  });
});

describe('both paths agree', () => {
  it('same ranking, scores within 1e-3', () => {
    const [wasm, gpu] = paths.map((p) => ranked[p.name]);
    expect(gpu).toBeDefined();
    expect(wasm).toBeDefined();
    expect(gpu.map((c) => c.name)).toEqual(wasm.map((c) => c.name));
    gpu.forEach((c, i) => expect(Math.abs(c.score - wasm[i].score)).toBeLessThanOrEqual(1e-3));
  });
});
