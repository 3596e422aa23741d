// Debian chromium driven by playwright-core (never a downloaded browser), against `vite preview`
// of the built app. Flags from shared/BROWSER.md: --enable-unsafe-webgpu gives the SwiftShader
// adapter; without it requestAdapter() resolves to null (the no-WebGPU path).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { recordId } from '../../src/lib/engine/store/records.ts';
import { keyOf } from '../../src/lib/engine/store/storage-key.ts';

// --liftoff-only (tests only; benches launch with `'measure'`): V8 keeps ort's 28 MB of WASM on its baseline compiler instead of recompiling the
// hot functions with TurboFan in the background. On 2 cores that tier-up competed with every app
// start (VP-Score session 5.5 s → 3.3 s) and the tiny test models never run long enough to gain from
// it: generate.test 168 → 121 s, share-link 57 → 30 s. Wasm semantics do not depend on the tier, so
// the tests check the same results; speed is measured by `npm run bench`, not here.
const BASE_ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];
const TEST_ARGS = ['--js-flags=--liftoff-only'];

/** Each launched page's console errors (page and workers), for describePage. */
const consoleErrorsOf = new WeakMap<Page, string[]>();

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** http(s) requests seen since the last reset (page, workers). */
  requests: string[];
  consoleErrors: string[];
  close(): Promise<void>;
}

/** `mode`: 'test' for e2e tests and screenshots, 'measure' for benches (V8 as users get it). */
export async function launch(webgpu: boolean, mode: 'test' | 'measure' = 'test'): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'preflens-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...BASE_ARGS, ...(mode === 'test' ? TEST_ARGS : []), ...(webgpu ? ['--enable-unsafe-webgpu'] : [])],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  context.on('request', (r) => {
    if (/^https?:/.test(r.url())) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  consoleErrorsOf.set(page, consoleErrors);
  return {
    context,
    page,
    requests,
    consoleErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Serve dist/ (built by `npm run test:e2e` before vitest) on a free port. PREFLENS_DIST points at
 * another build folder (several builds side by side while developing).
 */
export async function serveDist(): Promise<{ url: string; server: PreviewServer }> {
  const server = await preview({
    preview: { port: 0, strictPort: false, host: '127.0.0.1', open: false },
    build: { outDir: process.env.PREFLENS_DIST ?? 'dist' },
    logLevel: 'warn',
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a URL');
  return { url, server };
}

/** Open the app (?backend=, and the view or dtype variant) and wait until both models are loaded. */
export async function openApp(
  page: Page,
  url: string,
  backend: 'auto' | 'webgpu' | 'wasm',
  extra: { view?: 'generate' | 'compare' | 'evaluate' | 'models'; variant?: 'fp32' | 'fp16'; testHooks?: boolean } = {},
): Promise<void> {
  const { testHooks, ...rest } = extra;
  const q = new URLSearchParams({ backend, ...rest, ...(testHooks ? { 'test-hooks': '' } : {}) });
  await page.goto(`${url}?${q}`);
  await page.getByTestId('model').getByText('vp-tiny', { exact: false }).waitFor({ timeout: 60_000 });
  await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
}

export interface CardState {
  name: string;
  rank: number;
  score: number;
}

/** Cards in display order, with their rank and score. */
export async function readCards(page: Page): Promise<CardState[]> {
  return page.getByTestId('card').evaluateAll((els) =>
    els.map((el) => ({
      name: el.getAttribute('data-name') ?? '',
      rank: Number(el.getAttribute('data-rank') || 0),
      score: Number(el.getAttribute('data-score') || NaN),
    })),
  );
}

/**
 * What the page shows (status, notices, errors, models, candidates, family cards), for a failed wait: a run
 * that never finishes is otherwise a bare timeout.
 */
export function describePage(page: Page): Promise<string> {
  return page.evaluate(() => JSON.stringify({
    status: document.querySelector('[data-testid="gen-status"]')?.textContent,
    notice: document.querySelector('[data-testid="gen-notice"]')?.textContent,
    errors: [...document.querySelectorAll('[data-testid="error"]')].map((el) => el.textContent),
    model: document.querySelector('[data-testid="model"]')?.textContent,
    generator: document.querySelector('[data-testid="generator"]')?.textContent,
    candidates: [...document.querySelectorAll('[data-testid="candidate"]')].map((el) => `${el.getAttribute('data-seed')}:${el.getAttribute('data-rank')}`),
    generating: !!document.querySelector('[data-testid="gen-cancel"]:not([disabled])'),
    families: [...document.querySelectorAll('[data-testid="family"]')].map((el) => `${el.getAttribute('data-url')}: ${el.getAttribute('data-state')}`),
    download: document.querySelector('[data-testid="download-progress"]')?.textContent,
    backend: document.querySelector('[data-testid="backend"]')?.textContent,
    since: performance.now(),
  })).catch((err) => String(err)).then((shown) => `${shown}\nconsole errors: ${JSON.stringify(consoleErrorsOf.get(page) ?? [])}`);
}

/** Run a wait; when it fails, its error says what the page showed (describePage). */
export async function explained<T>(page: Page, wait: Promise<T>): Promise<T> {
  try {
    return await wait;
  } catch (e) {
    throw new Error(`${(e as Error).message}\npage: ${await describePage(page)}`);
  }
}

/** Fill Generate's form (steps left as they are unless given) and press Generate. */
export async function startGenerate(page: Page, o: { prompt: string; n: number; seed: number; steps?: number }): Promise<void> {
  await page.getByTestId('gen-prompt').fill(o.prompt);
  await page.getByTestId('gen-n').fill(String(o.n));
  await page.getByTestId('gen-seed').fill(String(o.seed));
  if (o.steps !== undefined) await page.getByTestId('gen-steps').selectOption(String(o.steps));
  await page.getByTestId('generate').click();
}

/** Wait until `n` candidates are ranked on Generate; a timeout says what the page shows. */
export function waitRanked(page: Page, n: number, timeout = 180_000): Promise<void> {
  return explained(page, page.waitForFunction(
    (k) => document.querySelectorAll('[data-testid="candidate"][data-rank]:not([data-rank=""])').length === k,
    n,
    { timeout },
  ).then(() => undefined));
}

/** Each candidate's decoded RGB, by seed (the <img> drawn on a canvas). */
export function readCandidateImages(page: Page): Promise<{ seed: number; rgb: number[] }[]> {
  return page.getByTestId('candidate').evaluateAll((els) =>
    Promise.all(els.map(async (el) => {
      const img = el.querySelector('img')!;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      return { seed: Number(el.getAttribute('data-seed')), rgb: Array.from(d.filter((_, i) => i % 4 !== 3)) };
    })),
  );
}

/**
 * Cut a file in the page's model store short, as a crash or a disk problem would. Stored files are
 * keyed by URL and length (records.ts), so the file's length is asked of its (local) server.
 */
export async function truncateStored(page: Page, fileUrl: string, bytes: number): Promise<void> {
  const length = (await (await fetch(fileUrl)).arrayBuffer()).byteLength;
  const key = await keyOf(recordId(fileUrl, length));
  await page.evaluate(async ([k, n]) => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('preflens-models');
    const w = await (await dir.getFileHandle(k)).createWritable({ keepExistingData: true });
    await w.truncate(n);
    await w.close();
  }, [key, bytes] as const);
}

/** From now on, every line the model panel's load shows, recorded inside the page (a tiny model loads in well under a second). */
export async function recordLoadLines(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { loadLines: string[] };
    w.loadLines = [];
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid="model-loading"]')?.textContent?.trim();
      if (t && w.loadLines.at(-1) !== t) w.loadLines.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { loadLines: string[] }).loadLines);
}
