// The offline app (service worker, src/sw.ts) in Debian chromium:
// (a) on `vite preview`: after the first visit has stored the app, an offline reload starts it,
//     loads the built-in models and generates with every request answered by the service worker;
// (b) on a plain static host under /preflens/ (no COOP/COEP headers): the first load runs on one
//     thread and says why; once the service worker controls the page it reloads once, is
//     cross-origin isolated, runs on more threads, and still generates. Cross-origin CORS fetches
//     (a model host such as huggingface.co) still work under the service worker's COEP.
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { launch, openApp, serveDist, startGenerate, waitRanked, type Browser } from '../../scripts/harness/chromium.ts';
import { serveStatic, type StaticServer } from '../../scripts/harness/static-server.ts';

const DIST = process.env.PREFLENS_DIST ?? 'dist';

interface Seen {
  url: string;
  /** Made by the service worker itself (its fetch() to the network), not by the page or a worker. */
  bySw: boolean;
  /** Answered by the service worker (from its cache), without reaching the network. */
  fromSw?: boolean;
  failed?: string;
}

/** Every http(s) request in the context, with who made it and who answered it. */
function recordNetwork(context: BrowserContext): Seen[] {
  const seen: Seen[] = [];
  const byRequest = new Map<unknown, Seen>();
  context.on('request', (r) => {
    if (!/^https?:/.test(r.url())) return;
    const s: Seen = { url: r.url(), bySw: r.serviceWorker() !== null };
    byRequest.set(r, s);
    seen.push(s);
  });
  context.on('response', (r) => {
    const s = byRequest.get(r.request());
    if (s) s.fromSw = r.fromServiceWorker();
  });
  context.on('requestfailed', (r) => {
    const s = byRequest.get(r);
    if (s) s.failed = r.failure()?.errorText ?? 'failed';
  });
  return seen;
}

/** Wait until a service worker controls the page and has finished installing (precache complete). */
async function waitForOfflineReady(page: Page): Promise<void> {
  await page.waitForFunction(
    async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return navigator.serviceWorker.controller !== null && reg?.active?.state === 'activated';
    },
    null,
    { timeout: 120_000, polling: 250 },
  );
  await page.locator('[data-testid="offline"][data-state="ready"]').waitFor({ timeout: 10_000 });
}

/** URLs in the service worker's precache. */
function precached(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      if (!name.includes('precache')) continue;
      for (const req of await (await caches.open(name)).keys()) urls.push(req.url.replace(/\?__WB_REVISION__=.*$/, ''));
    }
    return urls;
  });
}

/** Wait for both built-in models (after a reload, where openApp's goto is not wanted). */
async function waitForModels(page: Page): Promise<void> {
  await page.getByTestId('model').getByText('vp-tiny', { exact: false }).waitFor({ timeout: 60_000 });
  await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
}

async function generate(page: Page, n: number): Promise<void> {
  await startGenerate(page, { prompt: 'three apples on a wooden table', n, seed: 42, steps: 1 });
  await waitRanked(page, n);
}

const threadsText = async (page: Page) => (await page.getByTestId('threads').textContent())?.replace(/\s+/g, ' ').trim();
const isolated = (page: Page) => page.evaluate(() => crossOriginIsolated);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)));
}

describe('(a) vite preview: works offline after the first visit', () => {
  let server: PreviewServer;
  let url: string;
  let b: Browser;
  let seen: Seen[];

  beforeAll(async () => {
    ({ server, url } = await serveDist());
    b = await launch(false);
    seen = recordNetwork(b.context);
  });
  afterAll(async () => {
    await b?.close();
    await server?.close();
  });

  it('first visit: stores the app, the WASM it loads and the built-in models', async () => {
    const { page } = b;
    await openApp(page, url, 'auto', { view: 'generate' });
    await waitForOfflineReady(page);
    expect(await isolated(page)).toBe(true); // vite preview sends COOP/COEP itself: no reload
    const cached = new Set((await precached(page)).map((u) => new URL(u).pathname));
    // Exactly the .wasm files the app fetched (ort's runtime and the image decoders) are precached.
    const wasmFetched = new Set(seen.filter((s) => !s.bySw && s.url.endsWith('.wasm')).map((s) => new URL(s.url).pathname));
    const wasmCached = new Set([...cached].filter((p) => p.endsWith('.wasm')));
    expect([...wasmFetched].some((p) => /ort-wasm-simd-threaded/.test(p))).toBe(true);
    expect(wasmCached).toEqual(wasmFetched);
    // The recorder sees the service worker's own network fetches (its precache download), so the
    // offline test below would catch one.
    expect(seen.some((s) => s.bySw && /ort-wasm-simd-threaded.*\.wasm$/.test(s.url))).toBe(true);
    for (const f of filesUnder(join(DIST, 'models'))) expect(cached).toContain(`/models/${f}`);
    // Every file the app fetched on its first visit is precached (the page itself is index.html).
    const fetched = seen.filter((s) => !s.bySw).map((s) => new URL(s.url).pathname).filter((p) => p !== '/');
    expect(fetched.filter((p) => !cached.has(p))).toEqual([]);
    for (const s of seen) expect(new URL(s.url).origin).toBe(new URL(url).origin); // nothing from a CDN
  });

  it('offline reload: the app starts, loads the models and generates; no request reaches the network', async () => {
    const { page, context } = b;
    seen.length = 0;
    await context.setOffline(true);
    try {
      await openApp(page, url, 'auto', { view: 'generate' });
      await generate(page, 2);
      expect(await page.getByTestId('backend').textContent()).toMatch(/^\s*WASM/);
    } finally {
      await context.setOffline(false);
    }
    expect(seen.length).toBeGreaterThan(5); // document, scripts, worker, wasm, models
    const reachedNetwork = seen.filter((s) => s.bySw || s.fromSw !== true);
    expect(reachedNetwork).toEqual([]);
    expect(seen.map((s) => s.url)).toContainEqual(expect.stringMatching(/ort-wasm-simd-threaded.*\.wasm$/));
    expect(seen.map((s) => s.url)).toContainEqual(expect.stringMatching(/models\/sd-tiny\/unet\.onnx$/));
  });
});

describe('(b) plain static host under /preflens/: isolation by the service worker', () => {
  // A copy of the build, so that a test can publish a "new version" of sw.js.
  const site = mkdtempSync(join(tmpdir(), 'preflens-site-'));
  let host: StaticServer;
  let modelHost: StaticServer;
  let b: Browser;
  let seen: Seen[];
  let releaseSw: () => void = () => undefined;
  const swHeld = new Promise<void>((r) => (releaseSw = r));

  beforeAll(async () => {
    // sw.js is held back until the test has looked at the first, non-isolated load.
    cpSync(DIST, site, { recursive: true });
    host = await serveStatic(site, { prefix: '/preflens/', hold: (p) => (p === 'sw.js' ? swHeld : undefined) });
    // Another origin that serves files the way huggingface.co does: CORS `*`, no CORP.
    modelHost = await serveStatic(join(DIST, 'models'), { prefix: '/hf/', headers: { 'Access-Control-Allow-Origin': '*' } });
    b = await launch(false);
    seen = recordNetwork(b.context);
  });
  afterAll(async () => {
    releaseSw();
    await b?.close();
    await host?.close();
    await modelHost?.close();
    rmSync(site, { recursive: true, force: true });
  });

  it('first load: not cross-origin isolated, one thread, and the header says why', async () => {
    const { page } = b;
    await openApp(page, host.url, 'auto', { view: 'generate' });
    expect(await isolated(page)).toBe(false);
    expect(await threadsText(page)).toBe('1 thread (this host does not allow threads)');
    expect(await page.getByTestId('threads').getAttribute('title')).toMatch(/no COOP\/COEP headers.*reloads once/);
    expect(await page.getByTestId('offline').getAttribute('data-state')).toBe('installing');
  });

  it('the service worker takes control, the page reloads once and runs isolated on more threads', async () => {
    const { page } = b;
    const navigations: string[] = [];
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations.push(f.url());
    });
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 120_000 });
    releaseSw();
    await reloaded;
    await waitForModels(page);
    await waitForOfflineReady(page);
    expect(await isolated(page)).toBe(true);
    // The reload guard is cleared once the page is isolated (a later hard reload may reload once more).
    expect(await page.evaluate(() => sessionStorage.getItem('preflens-isolation-reload'))).toBeNull();
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    const threads = Math.min(4, cores);
    expect(threads).toBeGreaterThan(1);
    expect(await threadsText(page)).toBe(`${threads} threads`);

    await generate(page, 2);
    expect(navigations).toHaveLength(1); // exactly one reload, no loop
    expect(navigations[0]).toBe(`${host.url}?backend=auto&view=generate`);
    for (const s of seen) expect(new URL(s.url).origin).toBe(host.origin); // nothing from a CDN
    // No COEP/CORP or worker errors; the only 404 is the browser's own /favicon.ico at the host root.
    expect(host.requested.filter((p) => !p.startsWith('/preflens/') && p !== '/favicon.ico')).toEqual([]);
    expect(b.consoleErrors.filter((e) => !/status of 404/.test(e))).toEqual([]);
  });

  it('cross-origin CORS downloads (ACAO *, no CORP) still work under the service worker COEP', async () => {
    const { page } = b;
    const url = `${modelHost.url}vp-tiny/model.onnx`;
    const fromPage = await page.evaluate(async (u) => (await (await fetch(u)).arrayBuffer()).byteLength, url);
    const fromWorker = await page.evaluate(
      (u) =>
        new Promise<number | string>((resolve) => {
          const src = 'onmessage = async (e) => { try { postMessage((await (await fetch(e.data)).arrayBuffer()).byteLength) } catch (err) { postMessage(String(err)) } }';
          const w = new Worker(URL.createObjectURL(new Blob([src], { type: 'text/javascript' })));
          w.onmessage = (e) => resolve(e.data);
          w.postMessage(u);
        }),
      url,
    );
    expect(fromPage).toBeGreaterThan(1000);
    expect(fromWorker).toBe(fromPage);
  });

  it('a new version waits for the user, then takes over with one reload', async () => {
    const { page } = b;
    appendFileSync(join(site, 'sw.js'), '\n// the next version\n');
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    await page.locator('[data-testid="offline"][data-state="update-ready"]').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('candidate').count()).toBe(2); // the page was not reloaded under the user
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await page.getByTestId('apply-update').click();
    await reloaded;
    await page.locator('[data-testid="offline"][data-state="ready"]').waitFor({ timeout: 60_000 });
    await waitForModels(page);
    expect(await isolated(page)).toBe(true);
  });
});
