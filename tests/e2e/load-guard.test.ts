// A model load that stops for good (as onnxruntime's session creation with external data sometimes
// does, issue 23) never leaves the user stuck: the page says it is trying again in a fresh engine,
// then names the failure, with the model in use still loaded and every fallback enabled.
import { describe, expect, it } from 'vitest';
import { openApp, readCards, recordLoadLines } from '../../scripts/harness/chromium.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';
import { sixImages, writeImages } from '../../models/test-images.ts';
import { useApp } from './app-fixture.ts';

const app = useApp(false);
const six = writeImages(sixImages());

describe('a model load that hangs', () => {
  it('is tried again in a fresh engine, then fails with a clear error; the built-in model stays, scores, and other loads work', async () => {
    const { page } = app.b;
    await openApp(page, app.url, 'wasm', { view: 'compare', testHooks: true });
    // Every load of the wide folder hangs in every worker; loads are bounded at 2 s instead of 30+.
    await page.evaluate(() => (window as unknown as { preflensTest: { hangLoads(m: string, ms: number): Promise<void> } }).preflensTest.hangLoads('vp-tiny-wide', 2000));
    const loadLines = await recordLoadLines(page);
    await page.getByTestId('model-folder-input').setInputFiles(MODEL_DIRS.wide);

    const banner = page.getByTestId('model-panel').getByTestId('error');
    await expect.poll(() => banner.getAttribute('data-error-name').catch(() => null), { timeout: 60_000 }).toBe('LoadTimeoutError');
    expect(await banner.textContent()).toMatch(/loading the model stopped after model\.onnx: nothing happened for 2 s/);
    const lines = await loadLines();
    expect(lines).toContain('the load stopped after model.onnx without an error: trying again in a fresh engine…');
    expect(await page.getByTestId('model').textContent()).toMatch(/vp-tiny ·.*built-in/s);
    // The built-in model is the one in use, so it is not offered; loading another is.
    expect(await page.getByRole('button', { name: 'Use built-in model' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Use your own model folder…' }).isEnabled()).toBe(true);

    // The fresh engine has the built-in model: scoring works.
    await page.getByTestId('prompt').fill('a green colored cat on a red sofa');
    await page.getByTestId('image-input').setInputFiles(six);
    await page.getByTestId('score').click();
    await expect.poll(async () => (await readCards(page)).filter((c) => c.rank > 0).length, { timeout: 60_000 }).toBe(6);

    // Another model still loads.
    await page.getByTestId('model-folder-input').setInputFiles(MODEL_DIRS.tinyExt);
    await expect.poll(() => page.getByTestId('model').textContent(), { timeout: 60_000 }).toContain('vp-tiny-ext');
  });
});
