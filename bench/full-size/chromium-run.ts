// Full-size scoring in Debian chromium through the real worker path, with the browser's peak memory
// taken as the largest sum of RSS over Chromium's process tree, sampled every 250 ms.
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import type { FullBenchArgs, FullBenchResult } from '../browser-bench.ts';

/** RSS of every process below `root` (Playwright starts Chromium as a child of this process). */
function descendantsRss(root: number): number {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss='], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of rows) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  const rss = new Map(rows.map(([pid, , kb]) => [pid, kb * 1024]));
  let total = 0;
  const stack = [...(kids.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    total += rss.get(p) ?? 0;
    stack.push(...(kids.get(p) ?? []));
  }
  return total;
}

export async function fullInChromium(pageUrl: string, args: FullBenchArgs): Promise<FullBenchResult & { peakRssBytes: number }> {
  const browser = await chromium.launch({
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
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'runFullBench' in globalThis);
    type G = { runFullBench: (a: FullBenchArgs) => Promise<FullBenchResult> };
    const r = await page.evaluate((a) => (globalThis as unknown as G).runFullBench(a), args);
    return { ...r, peakRssBytes: peak };
  } finally {
    clearInterval(timer);
    await browser.close();
  }
}
