// Evaluate view end to end in Debian chromium: a 6-prompt set with K=2 on the tiny models,
// interrupted by a reload mid-run, resumed, finished; nothing made twice, the summary agrees with
// the images, and the run made no request.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp } from '../../scripts/harness/chromium.ts';
import { useApp } from './app-fixture.ts';

const app = useApp();

const PROMPTS = [
  { prompt: 'a green colored cat', category: 'colour' },
  { prompt: 'a red apple next to a blue cup', category: 'colour' },
  { prompt: 'three apples on a table', category: 'count' },
  { prompt: 'two dogs and one cat', category: 'count' },
  { prompt: 'a dog in the forest', category: 'background' },
  { prompt: 'a dog on the beach', category: 'background' },
];

function promptFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'preflens-eval-'));
  const file = join(dir, 'six.jsonl');
  writeFileSync(file, PROMPTS.map((p) => JSON.stringify(p)).join('\n'));
  return file;
}

const progress = (page: Page) => page.getByTestId('eval-progress');
const done = async (page: Page) => Number(await progress(page).getAttribute('data-done'));

describe('Evaluate (WASM)', () => {
  it('runs 6 prompts × K=2, survives a reload mid-run, resumes and finishes with a consistent summary', async () => {
    const { page } = app.b;
    await openApp(page, app.url, 'wasm', { view: 'evaluate' });
    await page.getByTestId('eval-file').setInputFiles(promptFile());
    await expect.poll(() => page.getByTestId('eval-set-name').textContent()).toBe('six.jsonl');
    await page.getByTestId('eval-k').fill('2');
    // A seed or prompt count that would not reproduce the run is refused, with Generate's words.
    for (const [field, value, says] of [['eval-seed', '-1', /^The seed must be a whole number from 0 to 4294967295\.$/],
      ['eval-seed', '1e20', /^The seed must be/], ['eval-seed', '', /^The seed must be/], ['eval-limit', '999', /^Prompts must be a whole number from 1 to 6\.$/]] as const) {
      await page.getByTestId(field).fill(value);
      await expect.poll(() => page.getByTestId('eval-form-problem').textContent()).toMatch(says);
      expect(await page.getByTestId('eval-run').isDisabled()).toBe(true);
      await page.getByTestId(field).fill(field === 'eval-seed' ? '42' : '6');
    }
    await page.getByTestId('eval-steps').selectOption('2');
    await page.getByTestId('eval-run').click();
    await expect.poll(() => done(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(3);

    // Reload mid-run: what was scored is in IndexedDB, the run is offered for resuming.
    await openApp(page, app.url, 'wasm', { view: 'evaluate' });
    await expect.poll(() => progress(page).getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
    const before = await done(page);
    expect(before).toBeGreaterThanOrEqual(3);
    expect(before).toBeLessThan(12);
    app.b.requests.length = 0;
    await page.getByTestId('eval-resume').click();
    await expect.poll(() => progress(page).getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    expect(app.b.requests).toEqual([]);
    expect(await done(page)).toBe(12);

    // Every image once: 12 in the gallery, 2 per prompt, and the tables agree with them.
    const images = await page.getByTestId('eval-image').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
    expect(images).toHaveLength(12);
    const rows = page.getByTestId('eval-prompts').locator('tbody tr');
    expect(await rows.count()).toBe(6);
    const mean = images.reduce((a, x) => a + x, 0) / images.length;
    const all = page.getByTestId('eval-categories').locator('tr[data-category="all"]');
    expect(Number(await all.getAttribute('data-images'))).toBe(12);
    expect(Number(await all.getAttribute('data-mean'))).toBeCloseTo(mean, 6);
    const cats = await page.getByTestId('eval-categories').locator('tbody tr:not(.total)').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-category'), Number(e.getAttribute('data-images'))]));
    expect(cats).toEqual([['colour', 4], ['count', 4], ['background', 4]]);
    // The plots are drawn from the same results.
    const charts = page.getByTestId('eval-charts');
    expect(Number(await charts.getAttribute('data-hist-total'))).toBe(12);
    const curve = JSON.parse((await charts.getAttribute('data-curve'))!) as number[];
    expect(curve).toHaveLength(2);
    expect(curve[0]).toBeCloseTo(mean, 6);
    expect(curve[1]).toBeGreaterThanOrEqual(curve[0]);

    // The CSV has the same 12 images and scores.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('eval-export-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split(/\r?\n/);
    expect(csv[0]).toBe('run_id,prompt_id,prompt,category,k,seed,score,reward,rank,noise_hash,file');
    const scoreCol = csv[0].split(',').indexOf('score');
    const csvScores = csv.slice(1).map((line) => Number(line.split(',')[scoreCol]));
    expect([...csvScores].sort()).toEqual([...images].sort());
  });

  it('A/B mode records keyboard choices only on its own panel, one per key, keeps them across a reload, and exports them', async () => {
    const { page } = app.b;
    await page.getByTestId('ab-toggle').click();
    const ab = page.getByTestId('ab');
    // Keys elsewhere judge nothing: on the tab bar (where ← → move between tabs) or on another view.
    await page.getByTestId('tab-evaluate').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('tab-generate').click();
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('tab-evaluate').click();
    expect(await ab.getAttribute('data-choices')).toBe('0');
    await ab.locator('.prompt').click(); // the keyboard back on the panel
    for (const [i, key] of (['ArrowLeft', 'ArrowRight', 'ArrowDown'] as const).entries()) {
      const pairKey = await page.getByTestId('ab-pair').getAttribute('data-key');
      await page.keyboard.press(key);
      await expect.poll(() => ab.getAttribute('data-choices')).toBe(String(i + 1));
      if (i < 2) expect(await page.getByTestId('ab-pair').getAttribute('data-key')).not.toBe(pairKey);
    }
    // The tie is left out of the agreement, as in ImageReward's evaluation.
    expect(await page.getByTestId('ab-agreement').getAttribute('data-n')).toBe('2');
    // Two keys in one go judge two pairs, not the same pair twice.
    await page.evaluate(() => {
      for (let i = 0; i < 2; i++) document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }));
    });
    await expect.poll(() => ab.getAttribute('data-choices')).toBe('5');
    await openApp(page, app.url, 'wasm', { view: 'evaluate' });
    await expect.poll(() => page.getByTestId('ab').getAttribute('data-choices'), { timeout: 30_000 }).toBe('5');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ab-export').click()]);
    const exported = (await download.path())!;
    const lines = readFileSync(exported, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // DPO-style: a decided pair is chosen/rejected; the tie keeps image_a/image_b.
    expect(lines.map((l) => l.preferred ?? 'decided')).toEqual(['decided', 'decided', 'tie', 'decided', 'decided']);
    const images = lines.map((l) => (l.preferred ? [l.image_a, l.image_b] : [l.chosen, l.rejected]));
    expect(new Set(lines.map((l, i) => `${l.prompt}|${images[i].join('|')}`)).size).toBe(5);
    for (const [i, l] of lines.entries()) {
      for (const im of images[i]) expect(im).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
      expect(typeof (l.score_a ?? l.score_chosen)).toBe('number');
      expect(PROMPTS.map((p) => p.prompt)).toContain(l.prompt);
    }
    // The export loads back as a pairs file, with no images folder: its images are inline.
    await page.getByTestId('pairs-file').setInputFiles(exported);
    await page.getByTestId('pairs-run').click();
    const result = page.getByTestId('pairs-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-n')).toBe('4'); // the tie is left out
  });

  it('Pause stops after the image in progress and Resume finishes the run without making any image twice; Generate waits meanwhile; past runs open and delete', async () => {
    const { page } = app.b;
    await page.getByTestId('eval-file').setInputFiles(promptFile());
    await page.getByTestId('eval-k').fill('2');
    await page.getByTestId('eval-steps').selectOption('4');
    await page.getByTestId('eval-run').click();
    // Generate waits for the evaluation and says so, rather than stopping it.
    await page.getByTestId('tab-generate').click();
    await page.getByTestId('gen-prompt').fill('a cat');
    expect(await page.getByTestId('gen-status').textContent()).toMatch(/An evaluation is running \(Evaluate tab\)/);
    expect(await page.getByTestId('generate').isDisabled()).toBe(true);
    await page.getByTestId('tab-evaluate').click();
    await expect.poll(() => done(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await page.getByTestId('eval-pause').click();
    await expect.poll(() => progress(page).getAttribute('data-status'), { timeout: 30_000 }).toBe('stopped');
    const paused = await done(page);
    expect(paused).toBeLessThan(12);
    await page.getByTestId('eval-resume').click();
    await expect.poll(() => progress(page).getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    const seeds = await page.getByTestId('eval-image').count();
    expect(seeds).toBe(12);
    expect(await done(page)).toBe(12);

    // The earlier runs are not lost behind this one: listed, opened again as saved, deleted.
    const past = page.getByTestId('eval-past-run');
    await expect.poll(() => past.count()).toBeGreaterThanOrEqual(2);
    await page.getByTestId('eval-past').locator('summary').click();
    const current = await page.locator('[data-testid="eval-past-run"].current').getAttribute('data-run');
    const other = page.locator('[data-testid="eval-past-run"]:not(.current)').first();
    const otherId = await other.getAttribute('data-run');
    const otherSaved = Number(/^(\d+) of/.exec((await other.locator('td').nth(2).textContent())!)![1]);
    await other.getByTestId('eval-past-open').click();
    await expect.poll(() => page.locator('[data-testid="eval-past-run"].current').getAttribute('data-run')).toBe(otherId);
    expect(await done(page)).toBe(otherSaved);
    const before = await past.count();
    await page.locator(`[data-testid="eval-past-run"][data-run="${current}"]`).getByTestId('eval-past-delete').click();
    await expect.poll(() => past.count()).toBe(before - 1);
    expect(await page.locator(`[data-testid="eval-past-run"][data-run="${current}"]`).count()).toBe(0);
  });
});
