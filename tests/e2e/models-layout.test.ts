// The Models view's cards as they look on a phone (390×844) and a laptop (1280×800), on WASM: the
// shipped ImageReward card, ?checkpoint= links (one imported, one failed with a sha256 mismatch
// whose error stays, one refused http link), the import form and the family cards. Every card's
// text stays inside its border and nothing makes the page wider than the screen.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { explained } from '../../scripts/harness/chromium.ts';
import { startModelServer, type ModelServer } from '../../scripts/harness/model-server.ts';
import { FIXTURE_HEADS } from '../fixtures/checkpoint-fixture.ts';
import { useApp } from './app-fixture.ts';

const fixture = inject('checkpointFixture');
const REFUSED = 'http://models.example/a-long-path/to/a/reward-manifest.json';
let host: ModelServer;
const links = { good: '', bad: '' };

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'preflens-e2e-models-layout-'));
  for (const f of ['ckpt.pt', 'vocab.txt']) symlinkSync(join(fixture, f), join(root, f));
  host = await startModelServer(root);
  const sha = (f: string) => createHash('sha256').update(readFileSync(join(root, f))).digest('hex');
  const entry = (f: string, sha256 = sha(f)) => ({ file: `${host.url}/ok/${f}`, bytes: statSync(join(root, f)).size, sha256 });
  for (const [key, name, checkpoint] of [['good', 'Linked reward with a name long enough to wrap on a phone', entry('ckpt.pt')],
    ['bad', 'BrokenReward', entry('ckpt.pt', sha('vocab.txt'))]] as const) {
    writeFileSync(join(root, `${key}.json`), JSON.stringify({
      kind: 'vp-score-checkpoint', id: `fixture-layout-${key}`, name, licence: 'Apache-2.0', homepage: 'https://models.example/fixture',
      checkpoint, vocab: entry('vocab.txt'), visionHeads: FIXTURE_HEADS.vision, textHeads: FIXTURE_HEADS.text,
    }));
    links[key] = `${host.url}/ok/${key}.json`;
  }
}, 60_000);
afterAll(async () => {
  await host?.close();
});

const card = (page: Page, url: string) => page.locator(`[data-testid="checkpoint"][data-url="${url}"]`);

/** Elements of the Models view's cards and forms that reach past their card's border (or the screen). */
function outside(page: Page): Promise<string[]> {
  return page.locator('#panel-models').evaluate((panel) => {
    const found: string[] = [];
    for (const box of panel.querySelectorAll('.model-card, form')) {
      const edge = box.getBoundingClientRect();
      for (const el of box.querySelectorAll('*')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.right > edge.right + 0.5 || r.left < edge.left - 0.5)) {
          found.push(`${box.getAttribute('data-testid')}: ${el.tagName} "${(el.textContent ?? '').trim().slice(0, 30)}" ${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(edge.left)}–${Math.round(edge.right)}`);
        }
      }
      if (edge.right > innerWidth + 0.5) found.push(`${box.getAttribute('data-testid')} ends at ${Math.round(edge.right)}`);
    }
    return found;
  });
}

describe('Models view layout', () => {
  const app = useApp(false);

  beforeAll(async () => {
    const { page } = app.b;
    await page.setViewportSize({ width: 390, height: 844 });
    const q = [links.good, links.bad, REFUSED].map((u) => `checkpoint=${encodeURIComponent(u)}`).join('&');
    await page.goto(`${app.url}?backend=wasm&view=models&${q}`);
    await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
    await explained(page, card(page, links.bad).and(page.locator('[data-state="missing"]')).waitFor({ timeout: 30_000 }));
  });

  it('on a phone: idle, imported, failed and refused cards keep their text inside, and the page fits the screen', async () => {
    const { page } = app.b;
    await card(page, REFUSED).getByTestId('error').waitFor({ timeout: 30_000 });
    expect(await outside(page)).toEqual([]);

    await card(page, links.bad).getByTestId('get-checkpoint').click();
    await explained(page, card(page, links.bad).getByTestId('get-error').waitFor({ timeout: 60_000 }));
    await card(page, links.good).getByTestId('get-checkpoint').click();
    await explained(page, card(page, links.good).and(page.locator('[data-state="imported"]')).waitFor({ timeout: 180_000 }));
    // The failed Get's error is still there after the import's refreshes.
    expect(await card(page, links.bad).getByTestId('get-error').count()).toBe(1);
    expect(await outside(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // An imported card says it is ready, not what a Get would download.
    expect(await card(page, links.good).locator('.plan').count()).toBe(0);
  });

  it('on a laptop: the same cards keep their text inside', async () => {
    const { page } = app.b;
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await outside(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  });
});
