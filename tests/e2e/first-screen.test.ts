// What a new user sees before scrolling, on a laptop (1280×800) and a phone (390×844): a sentence
// saying what PrefLens does, the four views' tabs and the start of the open view, nothing wider
// than the screen, and no "Use built-in model" button while the built-in model is the one in use.
import { describe, expect, it } from 'vitest';
import { openApp } from '../../scripts/harness/chromium.ts';
import { useApp } from './app-fixture.ts';

const app = useApp();

describe('the first screen', () => {
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    it(`at ${width}×${height}: says what the app does; the tabs and the view's prompt field are on it`, async () => {
      const { page } = app.b;
      await page.setViewportSize({ width, height });
      await openApp(page, app.url, 'wasm', { view: 'generate' });
      const onScreen = async (what: string, box: { x: number; y: number; width: number; height: number } | null) => {
        expect(box, what).not.toBeNull();
        expect([box!.x >= 0, box!.y >= 0, box!.x + box!.width <= width, box!.y + box!.height <= height], what).toEqual([true, true, true, true]);
      };
      const statement = page.getByTestId('app-statement');
      expect(await statement.textContent()).toMatch(/in your browser: score and rank images .*generate candidates, evaluate .*Nothing leaves this device\./s);
      await onScreen('statement', await statement.boundingBox());
      // Above the model panel: the first thing read after the name.
      expect((await statement.boundingBox())!.y).toBeLessThan((await page.getByTestId('model-panel').boundingBox())!.y);
      await onScreen('tabs', await page.getByRole('tablist').boundingBox());
      for (const tab of await page.getByRole('tab').all()) await onScreen(`tab ${await tab.textContent()}`, await tab.boundingBox());
      await onScreen('prompt field', await page.getByTestId('gen-prompt').boundingBox());
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // The built-in model is in use: offering it again would do nothing.
      expect(await page.getByTestId('model').textContent()).toMatch(/from built-in/);
      expect(await page.getByRole('button', { name: 'Use built-in model' }).count()).toBe(0);
    });
  }
});
