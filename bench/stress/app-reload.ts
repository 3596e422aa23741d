// The app as a user meets it: a checkpoint imported with "Import a checkpoint…" and used, then
// either the page loaded again and again (each visit opens the imported model from the store by
// itself), or ('import' mode) imported and used again and again in the same page — the load then
// runs in the worker that just converted, as in tests/e2e/import.test.ts. Counts the loads whose
// model never showed (stuck), and those that ended in an error, with what the model line said.
// Needs the built app (dist/, `vite build`).
import { launch, serveDist } from '../../scripts/harness/chromium.ts';
import type { Page } from 'playwright-core';

export interface AppReloadOptions {
  checkpoint: string;
  vocab: string;
  /** The checkpoint's head counts when they are not ImageReward's (the tiny fixture). */
  heads?: { vision: number; text: number };
  webgpu: boolean;
  visits: number;
  stuckMs: number;
  /** How long the import may take (full size: minutes). */
  importMs: number;
  mode: 'reload' | 'import';
}

export interface Visit { ms: number; outcome: 'ok' | 'stuck' | 'error'; detail: string }

const modelLine = (page: Page) => page.evaluate(() => document.querySelector('[data-testid="model"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '');

async function settled(page: Page, url: string): Promise<void> {
  await page.goto(url);
  // The first visit reloads itself once when the service worker takes control.
  await page.waitForFunction(() => crossOriginIsolated && navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
}

/** Wait for the model line to name a model of this device, or for an error: one load's outcome. */
async function loadOutcome(page: Page, t0: number, stuckMs: number): Promise<Visit> {
  const shown = await page.waitForFunction(() => {
    const line = document.querySelector('[data-testid="model"]')?.textContent ?? '';
    const failed = document.querySelector('[data-testid="model-error"], [data-testid="error"]');
    return (/\(this device\)/.test(line) && !/loading/i.test(line)) || failed ? true : false;
  }, null, { timeout: stuckMs, polling: 100 }).then(() => true, () => false);
  const ms = performance.now() - t0;
  const line = await modelLine(page);
  const error = await page.evaluate(() => document.querySelector('[data-testid="error"]')?.textContent?.trim() ?? '');
  return { ms, outcome: !shown ? 'stuck' : error ? 'error' : 'ok', detail: error || line };
}

/** Import the checkpoint under `name` and press Use on its card: the time of the load starts at Use. */
async function importAndUse(page: Page, o: AppReloadOptions, name: string): Promise<number> {
  const form = page.getByTestId('import-form');
  await form.getByTestId('import-checkpoint').setInputFiles(o.checkpoint);
  await form.getByTestId('import-vocab').setInputFiles(o.vocab);
  await form.getByTestId('import-name').fill(name);
  if (o.heads) {
    if (!(await form.getByTestId('import-vision-heads').isVisible())) await form.locator('summary').click();
    await form.getByTestId('import-vision-heads').fill(String(o.heads.vision));
    await form.getByTestId('import-text-heads').fill(String(o.heads.text));
  }
  await form.getByTestId('import-start').click();
  await page.getByTestId('import-done').waitFor({ timeout: o.importMs });
  const id = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const card = page.locator(`[data-testid="family"][data-url="preflens-import://local/${id}/preflens.json"]`);
  await card.and(page.locator('[data-state="cached"]')).waitFor({ timeout: 60_000 });
  const t0 = performance.now();
  await card.getByTestId('family-use').click();
  return t0;
}

function report(visits: Visit[], n: number): void {
  const v = visits.at(-1)!;
  console.log(`  load ${visits.length}/${n}: ${v.outcome} in ${(v.ms / 1000).toFixed(1)} s${v.outcome === 'ok' ? '' : `: ${v.detail.slice(0, 160)}`}`);
}

export async function appReloadStress(o: AppReloadOptions): Promise<Visit[]> {
  const { server, url } = await serveDist();
  const b = await launch(o.webgpu, 'measure');
  const backend = o.webgpu ? 'webgpu' : 'wasm';
  try {
    const { page } = b;
    await settled(page, `${url}?backend=${backend}&view=models`);
    await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 120_000 });
    const visits: Visit[] = [];
    // The first load, right after the first import, counts in both modes.
    visits.push(await loadOutcome(page, await importAndUse(page, o, 'Stress VP 0'), o.stuckMs));
    report(visits, o.visits);
    while (visits.length < o.visits) {
      if (o.mode === 'import') {
        await page.goto(`${url}?backend=${backend}&view=models`);
        await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 120_000 });
        visits.push(await loadOutcome(page, await importAndUse(page, o, `Stress VP ${visits.length}`), o.stuckMs));
      } else {
        const t0 = performance.now();
        await page.goto(`${url}?backend=${backend}`);
        visits.push(await loadOutcome(page, t0, o.stuckMs));
      }
      report(visits, o.visits);
    }
    return visits;
  } finally {
    await b.close();
    await server.close();
  }
}
