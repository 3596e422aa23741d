// `npm run screenshot`: the README's picture, taken in Debian chromium from the built app with the
// built-in model ranking six generated images (the same ones the e2e tests use).
import { resolve } from 'node:path';
import { launch, openApp, serveDist } from '../tests/e2e/browser.ts';
import { sixImages, writeImages } from '../tests/fixtures/images.ts';

const out = resolve(import.meta.dirname, '../docs/screenshot.png');
const { server, url } = await serveDist();
const b = await launch(false);
try {
  await b.page.setViewportSize({ width: 1200, height: 860 });
  await openApp(b.page, url, 'auto');
  await b.page.getByTestId('prompt').fill('a green colored cat sitting on a red sofa');
  await b.page.getByTestId('image-input').setInputFiles(writeImages(sixImages()));
  await b.page.getByTestId('score').click();
  await b.page.waitForFunction(
    () => document.querySelectorAll('[data-testid="card"][data-rank]:not([data-rank=""])').length === 6,
  );
  await b.page.waitForTimeout(600); // let the reorder animation settle
  await b.page.screenshot({ path: out, fullPage: true });
  console.log(`wrote ${out}`);
} finally {
  await b.close();
  await server.close();
}
