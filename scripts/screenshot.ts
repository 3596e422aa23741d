// `npm run screenshot`: the README's pictures, taken in Debian chromium from the built app with the
// built-in models: the Generate view (8 ranked candidates) and the Compare view (six generated
// test images, the same ones the e2e tests use), and the Models view with the tiny VP-Score family
// served "as if remote" by the e2e model server, downloaded, and the tiny diffusion family mid-download.
import { resolve } from 'node:path';
import { launch, openApp, serveDist } from './harness/chromium.ts';
import { startModelServer } from './harness/model-server.ts';
import { sixImages, writeImages } from '../models/test-images.ts';

const docs = resolve(import.meta.dirname, '../docs');
const ranked = (n: number) => document.querySelectorAll('[data-rank]:not([data-rank=""])').length >= n;
const { server, url } = await serveDist();
const b = await launch(false);
try {
  const { page } = b;
  await page.setViewportSize({ width: 1200, height: 900 });
  await openApp(page, url, 'auto', { view: 'generate' });
  await page.getByTestId('gen-prompt').fill('three green apples on a wooden table');
  await page.getByTestId('gen-n').fill('8');
  await page.getByTestId('gen-seed').fill('2024');
  await page.getByTestId('gen-steps').selectOption('2');
  await page.getByTestId('generate').click();
  await page.waitForFunction(ranked, 8);
  await page.waitForTimeout(600); // let the reorder animation settle
  await page.screenshot({ path: `${docs}/generate.png`, fullPage: true });

  await page.getByTestId('tab-compare').click();
  await page.getByTestId('prompt').fill('a green colored cat sitting on a red sofa');
  await page.getByTestId('image-input').setInputFiles(writeImages(sixImages()));
  await page.getByTestId('score').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="card"][data-rank]:not([data-rank=""])').length === 6);
  await page.waitForTimeout(600);
  await page.screenshot({ path: `${docs}/screenshot.png`, fullPage: true });
  const models = await startModelServer();
  try {
    const vp = `${models.url}/ok/vp-tiny/preflens.json`;
    const sd = `${models.url}/slow/sd-tiny/preflens.json`;
    const q = new URLSearchParams({ view: 'models' });
    q.append('family', vp);
    q.append('family', sd);
    await page.goto(`${url}?${q}`);
    const card = (u: string) => page.locator(`[data-testid="family"][data-url="${u}"]`);
    await card(vp).getByTestId('family-download').click();
    await card(vp).and(page.locator('[data-state="cached"]')).waitFor();
    await card(sd).getByTestId('family-download').click();
    await card(sd).getByTestId('download-progress').getByText(/\([2-9]\d %\)/).waitFor();
    await page.screenshot({ path: `${docs}/models.png`, fullPage: true });
    await card(sd).getByTestId('family-cancel').click();
  } finally {
    await models.close();
  }
  // Evaluate: the first 12 built-in prompts × K=4, summary, plots and gallery.
  await page.goto(`${url}?view=evaluate&backend=wasm`);
  await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 60_000 });
  await page.getByTestId('eval-limit').fill('12');
  await page.getByTestId('eval-k').fill('4');
  await page.getByTestId('eval-seed').fill('7');
  await page.getByTestId('eval-run').click();
  await page.locator('[data-testid="eval-progress"][data-status="done"]').waitFor({ timeout: 300_000 });
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${docs}/evaluate.png`, fullPage: true });
  console.log(`wrote ${docs}/generate.png, ${docs}/screenshot.png, ${docs}/models.png and ${docs}/evaluate.png`);
} finally {
  await b.close();
  await server.close();
}
