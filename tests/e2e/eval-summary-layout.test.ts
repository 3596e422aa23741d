// The Evaluate view's summary tables as a reader sees them: each column's header sits over its
// cells (text left, numbers right, in tabular figures), number columns keep one width whatever the
// digits, and on a 390 px phone the tables scroll inside their box instead of widening the page.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp } from '../../scripts/harness/chromium.ts';
import { useApp } from './app-fixture.ts';

const app = useApp();

const PROMPTS = [
  { prompt: 'a green colored cat', category: 'colour' },
  { prompt: 'three apples on a table', category: 'count' },
  { prompt: 'a dog on the beach', category: 'background' },
];

/** Per row (header first), per cell: where its text starts and ends, and its numeric font variant. */
function cellText(page: Page, table: string) {
  return page.getByTestId(table).evaluate((t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.children].map((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const text = range.getBoundingClientRect();
    return { left: text.left, right: text.right, width: cell.getBoundingClientRect().width, figures: getComputedStyle(cell).fontVariantNumeric };
  })));
}

/** Headers and cells of a column line up: text columns on their left edge, number columns on their right. */
async function expectAligned(page: Page, table: string, textColumns: number) {
  const rows = await cellText(page, table);
  expect(rows.length).toBeGreaterThan(1);
  const [header] = rows;
  for (const row of rows) {
    expect(row).toHaveLength(header.length);
    row.forEach((cell, i) => {
      if (i < textColumns) expect(Math.abs(cell.left - header[i].left), `${table} column ${i} left`).toBeLessThan(1);
      else expect(Math.abs(cell.right - header[i].right), `${table} column ${i} right`).toBeLessThan(1);
    });
  }
  for (const row of rows.slice(1)) row.slice(textColumns).forEach((cell, i) => expect(cell.figures, `${table} column ${i + textColumns}`).toContain('tabular-nums'));
  // Number columns share one width, set by the table rather than by the digits shown.
  const widths = header.slice(textColumns).map((c) => c.width);
  expect(Math.max(...widths) - Math.min(...widths), `${table} number column widths ${widths}`).toBeLessThan(1);
}

describe('Evaluate summary tables', () => {
  beforeAll(async () => {
    const { page } = app.b;
    await page.setViewportSize({ width: 1280, height: 800 });
    await openApp(page, app.url, 'wasm', { view: 'evaluate' });
    const file = join(mkdtempSync(join(tmpdir(), 'preflens-eval-')), 'three.jsonl');
    writeFileSync(file, PROMPTS.map((p) => JSON.stringify(p)).join('\n'));
    await page.getByTestId('eval-file').setInputFiles(file);
    await page.getByTestId('eval-set-name').getByText('three.jsonl', { exact: true }).waitFor();
    await page.getByTestId('eval-k').fill('2');
    await page.getByTestId('eval-run').click();
    await page.locator('[data-testid="eval-progress"][data-status="done"]').waitFor({ timeout: 120_000 });
  });

  it('at 1280 px, headers sit over their columns: text left, numbers right in tabular figures', async () => {
    const { page } = app.b;
    await expectAligned(page, 'eval-categories', 1);
    await expectAligned(page, 'eval-prompts', 2);
  });

  it('at 390 px, the tables scroll inside their box and nothing in the view runs past the screen', async () => {
    const { page } = app.b;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const box of ['eval-categories-scroll', 'eval-prompts-scroll']) {
      // Polled: the plots redraw at the new width a frame after the resize.
      await expect.poll(async () => {
        const b = (await page.getByTestId(box).boundingBox())!;
        return [b.x >= 0, b.x + b.width <= 390];
      }, { message: box }).toEqual([true, true]);
      // The table is wider than the phone: it scrolls sideways within the box.
      expect(await page.getByTestId(box).evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    }
    await expectAligned(page, 'eval-categories', 1);
    // Every element of the view past the right edge is inside something that scrolls or clips it.
    const past = await page.locator('#panel-evaluate').evaluate((panel) => [...panel.querySelectorAll('*')].filter((el) => {
      if (el.getBoundingClientRect().right <= innerWidth + 0.5) return false;
      for (let p = el.parentElement; p && p !== panel.parentElement; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return false;
      }
      return true;
    }).map((el) => `${el.tagName} ${el.className} ${el.textContent?.slice(0, 30)}`));
    expect(past).toEqual([]);
  });
});
