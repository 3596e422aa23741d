// Preference accuracy in Debian chromium: a labelled pairs file and its images folder; the labels
// are built from the scores Node's engine gives the same images (the CLI), so the expected
// agreement is known: 3 of 4 pairs right, 1 tie left out.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';
import { sixImages, writeImages } from '../../models/test-images.ts';
import { openApp } from '../../scripts/harness/chromium.ts';
import { useApp } from './app-fixture.ts';

const app = useApp();

const PROMPT = 'a green colored cat sitting on a red sofa';

async function nodeScores(files: string[]): Promise<Map<string, number>> {
  let text = '';
  const out = { write: (s: string) => ((text += s), true) };
  expect(await main(['score', '--model', MODEL_DIRS.tiny, '--prompt', PROMPT, ...files], out, { write: () => true })).toBe(0);
  return new Map(JSON.parse(text).results.map((r: { file: string; score: number }) => [r.file.split('/').pop()!, r.score]));
}

describe('preference accuracy (WASM)', () => {
  it('scores a pairs file against its images and reports agreement with a CI, per category', async () => {
    const files = writeImages(sixImages());
    const s = await nodeScores(files);
    const [hi1, lo1] = ['gradient.png', 'stripes.png'].sort((x, y) => s.get(y)! - s.get(x)!);
    const [hi2, lo2] = ['checker.png', 'green.png'].sort((x, y) => s.get(y)! - s.get(x)!);
    const pairs = [
      { image_a: hi1, image_b: lo1, preferred: 'a', category: 'colour' },
      { image_a: lo2, image_b: hi2, preferred: 'b', category: 'colour' },
      { image_a: hi1, image_b: hi2, preferred: s.get(hi1)! > s.get(hi2)! ? 'a' : 'b', category: 'count' },
      { image_a: lo1, image_b: lo2, preferred: s.get(lo1)! > s.get(lo2)! ? 'b' : 'a', category: 'count' },
      { image_a: hi1, image_b: lo2, preferred: 'tie', category: 'count' },
    ].map((p) => JSON.stringify({ prompt: PROMPT, ...p }));
    const dir = mkdtempSync(join(tmpdir(), 'preflens-pairs-'));
    writeFileSync(join(dir, 'pairs.jsonl'), pairs.join('\n'));

    const { page } = app.b;
    await openApp(page, app.url, 'wasm', { view: 'evaluate' });
    await page.getByTestId('pairs-file').setInputFiles(join(dir, 'pairs.jsonl'));
    await page.getByTestId('pairs-folder').setInputFiles(dirname(files[0]));
    await page.getByTestId('pairs-run').click();
    const result = page.getByTestId('pairs-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-n')).toBe('4');
    expect(await result.getAttribute('data-correct')).toBe('3');
    expect(await result.textContent()).toMatch(/3 of 4 · 75\.0 % · 95% CI 30\.1 %–95\.4 % · 1 tie left out/);
    expect(await result.locator('tr[data-category="colour"]').textContent()).toMatch(/2 of 2 · 100\.0 %/);
    expect(await result.locator('tr[data-category="count"]').textContent()).toMatch(/1 of 2 · 50\.0 %.* 1 tie left out/);
  });

  it('a malformed pairs file is refused with its line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflens-pairs-'));
    writeFileSync(join(dir, 'bad.jsonl'), `${JSON.stringify({ prompt: 'x', image_a: 'a.png', image_b: 'app.b.png', preferred: 'a' })}\n{"prompt": "y", "image_a": "a.png", "image_b": "c.png", "preferred": "left"}\n`);
    await app.b.page.getByTestId('pairs-file').setInputFiles(join(dir, 'bad.jsonl'));
    await expect.poll(() => app.b.page.getByTestId('pairs').getByTestId('error').textContent()).toMatch(/bad\.jsonl line 2: .*"left"/);
  });
});
