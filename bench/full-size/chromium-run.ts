// Full-size scoring in Debian chromium through the real worker path, with the browser's peak memory
// taken as the largest sum of RSS over Chromium's process tree, sampled every 250 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { FullBenchArgs, FullBenchResult } from '../browser-bench.ts';
import { descendantsRss } from './process-rss.ts';

/** `hungMs`: give up on a run that has not settled by then (the browser is closed; an error says so). */
export async function fullInChromium(pageUrl: string, args: FullBenchArgs, hungMs = Infinity): Promise<FullBenchResult & { peakRssBytes: number; peakAtLoadBytes: number }> {
  // A persistent profile: a temporary context's storage quota is too small for 1.7 GB in OPFS.
  const profile = mkdtempSync(join(tmpdir(), 'preflens-bench-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, descendantsRss(process.pid));
  }, 250);
  try {
    const page = await browser.newPage();
    let peakAtLoad = NaN;
    page.on('console', (m) => {
      if (m.text() === 'bench: model loaded') peakAtLoad = Math.max(peak, descendantsRss(process.pid));
    });
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'runFullBench' in globalThis);
    type G = { runFullBench: (a: FullBenchArgs) => Promise<FullBenchResult>; copyIntoOpfs: (url: string, names: string[]) => Promise<void> };
    if (args.opfsFiles) {
      // Copied first and not counted: the peak is the model's load and runs, as from the store.
      await page.evaluate(([u, n]) => (globalThis as unknown as G).copyIntoOpfs(u, n), [args.modelUrl, args.opfsFiles] as const);
      peak = 0;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<never>((_, reject) => {
      if (Number.isFinite(hungMs)) {
        timer = setTimeout(() => reject(new Error(`did not finish in ${hungMs / 1000} s (load ${Number.isNaN(peakAtLoad) ? 'not done' : 'done'}); the browser was closed`)), hungMs);
      }
    });
    const r = await Promise.race([page.evaluate((a) => (globalThis as unknown as G).runFullBench(a), args), hung]).finally(() => clearTimeout(timer));
    return { ...r, peakRssBytes: peak, peakAtLoadBytes: peakAtLoad };
  } finally {
    clearInterval(timer);
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
