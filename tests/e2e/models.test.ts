// Models and bad input end to end (WASM path, no WebGPU): a user's own model folder of a different
// size, a folder whose graph breaks the contract, a truncated model file, forcing a WebGPU that is
// not there, over-long prompts and over-sized images.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { launch, openApp, readCards, recordLoadLines, serveDist, type Browser } from '../../scripts/harness/chromium.ts';
import { sixImages, writeImages } from '../../models/test-images.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';

let server: PreviewServer;
let url: string;
let b: Browser;
const six = writeImages(sixImages());
const PROMPT = 'a green colored cat on a red sofa';

beforeAll(async () => {
  ({ server, url } = await serveDist());
  b = await launch(false);
  await openApp(b.page, url, 'auto', { view: 'compare' });
});
afterAll(async () => {
  await b?.close();
  await server?.close();
});

async function scoreAll(expected: number) {
  const { page } = b;
  await page.getByTestId('score').click();
  await page.waitForFunction(
    (n) => document.querySelectorAll('[data-testid="card"][data-rank]:not([data-rank=""])').length === n,
    expected,
    { timeout: 120_000 },
  );
  return readCards(page);
}

/** A copy of the tiny model folder with model.onnx cut to its first 4 kB. */
function truncatedModelFolder(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'preflens-model-')), 'cut-model');
  copyFolder(MODEL_DIRS.tiny, dir);
  const model = readFileSync(join(dir, 'model.onnx'));
  writeFileSync(join(dir, 'model.onnx'), model.subarray(0, 4096));
  return dir;
}

function copyFolder(from: string, to: string) {
  mkdirSync(to, { recursive: true });
  for (const f of ['model.onnx', 'tokenizer.json', 'preflens.json']) copyFileSync(join(from, f), join(to, f));
}

const modelLabel = () => b.page.getByTestId('model').textContent();
const errorBanner = () => b.page.getByTestId('model-panel').getByTestId('error');
const builtinButton = () => b.page.getByRole('button', { name: 'Use built-in model' });

describe('your own model folder', () => {
  let builtin: Map<string, number>;

  it('scores with the built-in model first', async () => {
    await b.page.getByTestId('prompt').fill(PROMPT);
    await b.page.getByTestId('image-input').setInputFiles(six);
    builtin = new Map((await scoreAll(6)).map((c) => [c.name, c.score]));
    expect(await modelLabel()).toContain('vp-tiny ·');
    // The built-in model is in use: no button offers it.
    expect(await builtinButton().count()).toBe(0);
    // Until a real model is in use the page says so, and what a score means.
    const notice = b.page.getByTestId('test-models-notice');
    expect(await notice.textContent()).toMatch(/random weights, so its scores mean nothing, and\s+images come from a tiny test generator/);
    expect(await b.page.getByTestId('score-meaning').textContent()).toMatch(/0 is the set's average.*not comparable/s);
  });

  it('loads a folder with a different, wider model and scores with it', async () => {
    const loadLines = await recordLoadLines(b.page);
    await b.page.getByTestId('model-folder-input').setInputFiles(MODEL_DIRS.wide);
    await expect.poll(modelLabel, { timeout: 60_000 }).toContain('vp-tiny-wide');
    const lines = await loadLines();
    expect(lines).toContain('reading model.onnx…');
    expect(lines.some((l) => /^building the onnxruntime session for model\.onnx \([\d.]+ MB\)…$/.test(l))).toBe(true);
    expect(await modelLabel()).toContain('from folder vp-tiny-wide');
    expect(await builtinButton().isEnabled()).toBe(true);
    // A real reward model is in use: the notice keeps only the generator's part, and leads to Models.
    const notice = b.page.getByTestId('test-models-notice');
    await expect.poll(() => notice.textContent()).not.toMatch(/scores mean nothing/);
    expect(await notice.textContent()).toMatch(/images come from a tiny test generator/);
    await notice.getByTestId('get-real-model').click();
    expect(await b.page.locator('#panel-models').isVisible()).toBe(true);
    await b.page.getByTestId('tab-compare').click();
    const wide = await scoreAll(6);
    expect(wide.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5, 6]);
    // A different model gives different scores for the same images and prompt.
    const diffs = wide.map((c) => Math.abs(c.score - (builtin.get(c.name) ?? NaN)));
    expect(diffs.every(Number.isFinite)).toBe(true);
    expect(Math.max(...diffs)).toBeGreaterThan(0.01);
  });

  it('a graph with the wrong inputs is refused with a ContractError; the loaded model stays', async () => {
    await b.page.getByTestId('model-folder-input').setInputFiles(MODEL_DIRS.badContract);
    await errorBanner().waitFor({ timeout: 60_000 });
    expect(await errorBanner().getAttribute('data-error-name')).toBe('ContractError');
    expect(await errorBanner().textContent()).toMatch(/input_ids.*int64.*int32/s);
    expect(await modelLabel()).toContain('vp-tiny-wide');
    expect(await scoreAll(6)).toHaveLength(6);
  });

  it('a truncated model file is named; the loaded model stays', async () => {
    await b.page.getByTestId('model-folder-input').setInputFiles(truncatedModelFolder());
    await expect.poll(() => errorBanner().getAttribute('data-error-name'), { timeout: 60_000 }).toBe('ModelFileError');
    expect(await errorBanner().textContent()).toMatch(/cut-model\/model\.onnx is 4096 bytes but preflens\.json says \d+/);
    expect(await modelLabel()).toContain('vp-tiny-wide');
  });

  it('a folder keeping its weights in model.onnx_data scores exactly as the same model in one file', async () => {
    // Picked files are Files: the data is read into bytes for onnxruntime (ort-session.ts ExternalDataForm).
    await b.page.getByTestId('model-folder-input').setInputFiles(MODEL_DIRS.tinyExt);
    await expect.poll(modelLabel, { timeout: 60_000 }).toContain('vp-tiny-ext');
    expect(await b.page.getByTestId('runtime').textContent()).toBe('onnxruntime-web (JSPI build)');
    const split = await scoreAll(6);
    expect(split.map((c) => c.score)).toEqual(split.map((c) => builtin.get(c.name)));
  });

  it('goes back to the built-in model', async () => {
    await builtinButton().click();
    await expect.poll(modelLabel, { timeout: 60_000 }).toMatch(/vp-tiny ·.*from built-in/);
    expect(await builtinButton().count()).toBe(0);
  });
});

describe('bad input', () => {
  it('an over-long prompt is scored, with a truncation notice', async () => {
    const { page } = b;
    const long = Array.from({ length: 50 }, (_, i) => `word${i}`).join(' ');
    await page.getByTestId('prompt').fill(long);
    await expect.poll(() => page.getByTestId('token-info').textContent(), { timeout: 10_000 }).toMatch(/truncated/);
    expect(await page.getByTestId('token-info').textContent()).toMatch(/^\s*\d+ \/ 33 tokens/);
    expect(await scoreAll(6)).toHaveLength(6);
  });

  it('an empty prompt cannot be scored and says why', async () => {
    const { page } = b;
    await page.getByTestId('prompt').fill('   ');
    expect(await page.getByTestId('score').isDisabled()).toBe(true);
    expect(await page.getByTestId('status').textContent()).toContain('Type a prompt.');
  });

  it('an image over 8192 px a side is refused on its own card', async () => {
    const { page } = b;
    const wide = encodePng({ width: 8193, height: 2, data: new Uint8Array(8193 * 2 * 3), channels: 3 });
    const [path] = writeImages([{ name: 'panorama.png', bytes: wide }]);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByTestId('prompt').fill(PROMPT);
    await page.getByTestId('image-input').setInputFiles([path, six[1]]);
    await page.getByTestId('score').click();
    const err = page.getByTestId('card-error');
    await err.waitFor({ timeout: 60_000 });
    expect(await err.getAttribute('data-error-name')).toBe('ImageTooLargeError');
    expect(await err.textContent()).toMatch(/panorama\.png.*8193×2 px/);
  });
});

describe('no WebGPU', () => {
  it('forcing WebGPU where there is none fails clearly; Auto runs WASM', async () => {
    const { page } = b;
    await page.getByTestId('backend-select').selectOption('webgpu');
    const banner = page.locator('main > [data-testid="error"]');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getAttribute('data-error-name')).toBe('BackendError');
    expect(await banner.textContent()).toMatch(/WebGPU was requested but is not available here/);
    expect(await page.getByTestId('backend').textContent()).toContain('no backend');
    await page.getByTestId('backend-select').selectOption('auto');
    await expect.poll(() => page.getByTestId('backend').textContent(), { timeout: 30_000 }).toMatch(/WASM \(no WebGPU/);
  });
});
