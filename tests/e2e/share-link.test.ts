// Share links in Debian chromium (WASM): opening ?prompt=…&n=…&seed=… runs by itself, once; the
// link Copy link shows, opened in another page, gives byte-identical PNGs and the same scores; a
// bad value is named and nothing runs.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './app-fixture.ts';

const LINK = '?prompt=a%20green%20colored%20cat&n=3&seed=1234&backend=wasm';
const RANKED = (expected: number) =>
  document.querySelectorAll('[data-testid="candidate"][data-rank]:not([data-rank=""])').length === expected;

const app = useApp(false, (a) =>
  a.b.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(a.url).origin }));

interface Shot { index: number; seed: number; rank: number; score: string; noiseHash: string; pngSha: string }

/** Each candidate's attributes plus the sha256 of its PNG (what Download saves), read from its blob URL. */
function snapshot(page: Page): Promise<Shot[]> {
  return page.getByTestId('candidate').evaluateAll((els) =>
    Promise.all(els.map(async (el) => {
      const bytes = await (await fetch(el.querySelector('img')!.src)).arrayBuffer();
      const sha = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((x) => x.toString(16).padStart(2, '0')).join('');
      return {
        index: Number(el.getAttribute('data-index')),
        seed: Number(el.getAttribute('data-seed')),
        rank: Number(el.getAttribute('data-rank')),
        score: el.getAttribute('data-score') ?? '',
        noiseHash: el.getAttribute('data-noise-hash') ?? '',
        pngSha: sha,
      };
    })),
  );
}

async function openLinked(page: Page, link: string, n: number): Promise<Shot[]> {
  await page.goto(link);
  await page.waitForFunction(RANKED, n, { timeout: 180_000 });
  return snapshot(page);
}

describe('share link', () => {
  let first: Shot[];

  it('opens Generate with the form filled and runs by itself: 3 ranked, scored candidates', async () => {
    const { page } = app.b;
    first = await openLinked(page, `${app.url}${LINK}`, 3);
    expect(await page.getByTestId('tab-generate').getAttribute('aria-selected')).toBe('true');
    expect(await page.getByTestId('gen-prompt').inputValue()).toBe('a green colored cat');
    expect(await page.getByTestId('gen-n').inputValue()).toBe('3');
    expect(await page.getByTestId('gen-seed').inputValue()).toBe('1234');
    expect(await page.getByTestId('gen-steps').inputValue()).toBe('1');
    expect(await page.getByTestId('backend').textContent()).toMatch(/^WASM/);
    expect(first.map((c) => c.rank)).toEqual([1, 2, 3]);
    expect(first.map((c) => c.seed).sort()).toEqual([1234, 1235, 1236]);
    const scores = first.map((c) => Number(c.score));
    expect(scores.every(Number.isFinite)).toBe(true);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(new Set(first.map((c) => c.pngSha)).size).toBe(3);
  });

  it('Copy link copies and shows the opened parameters; that link in a second page gives byte-identical PNGs and identical scores', async () => {
    const { page } = app.b;
    await page.getByTestId('gen-copy-link').click();
    await expect.poll(() => page.getByTestId('gen-copy-status').textContent()).toBe('Link copied');
    const shown = (await page.getByTestId('gen-share-link').textContent())!.trim();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    const link = new URL(shown);
    expect(`${link.origin}${link.pathname}`).toBe(new URL(app.url).href);
    expect(Object.fromEntries(link.searchParams)).toEqual({
      prompt: 'a green colored cat', n: '3', seed: '1234', steps: '1', backend: 'wasm',
    });
    const page2 = await app.b.context.newPage();
    try {
      expect(await openLinked(page2, shown, 3)).toEqual(first);
    } finally {
      await page2.close();
    }
  });

  it('runs only once: restarting the engine (new backend) does not start the run again', async () => {
    const { page } = app.b;
    // Any card losing its rank means the grid was reset for a new run.
    await page.evaluate(() => {
      const w = window as unknown as { rerun: boolean };
      w.rerun = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="candidate"][data-rank=""]')) w.rerun = true;
      }).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    await page.getByTestId('backend-select').selectOption('auto');
    await page.getByTestId('generator').waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
    // A rerun would start in the same update that enables Generate again (and disable it while running).
    await expect.poll(() => page.getByTestId('generate').isEnabled(), { timeout: 60_000 }).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { rerun: boolean }).rerun)).toBe(false);
    expect(await snapshot(page)).toEqual(first);
  });

  it.each([
    ['n=0', '?prompt=a%20green%20colored%20cat&n=0&seed=1234&backend=wasm', /"n" must be a whole number from 1 to 16 .*got "0"/],
    ['seed=abc', '?prompt=a%20green%20colored%20cat&n=3&seed=abc&backend=wasm', /"seed" must be a whole number from 0 to 4294967295 .*got "abc"/],
  ])('a bad link (%s) names the parameter and does not run', async (_, query, message) => {
    const page = await app.b.context.newPage();
    try {
      await page.goto(`${app.url}${query}`);
      await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
      expect(await page.getByTestId('gen-link-error').textContent()).toMatch(message);
      // The valid values still reach the form, and the models being ready does not start a run.
      expect(await page.getByTestId('gen-prompt').inputValue()).toBe('a green colored cat');
      // The link's run would start in the same update that enables Generate, filling the grid at once.
      await expect.poll(() => page.getByTestId('generate').isEnabled()).toBe(true);
      expect(await page.getByTestId('candidate').count()).toBe(0);
      expect(await page.getByTestId('gen-share-link').count()).toBe(0);
    } finally {
      await page.close();
    }
  });
});
