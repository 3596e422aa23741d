// Evaluation benchmark: the built-in prompt set's first 60 prompts × K=4 (240 images, 1 step) on
// the tiny models, twice, (a) in Debian chromium through the real Evaluate view (click Run, wait for
// "done", Discard, Run again) and (b) in Node through the same runEvaluation loop on an Engine with
// a MemoryEvalStore. Records wall time, memory before/after each run, IndexedDB usage and every
// HTTP request made during the runs. `npm run bench:eval` runs it alone and replaces its section of
// BENCHMARKS.md; bench/run.ts calls evalSection() as part of `npm run bench`.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { Engine } from '../src/lib/engine/engine.ts';
import { runEvaluation } from '../src/lib/eval/eval-run.ts';
import { MemoryEvalStore } from '../src/lib/eval/memory-eval-store.ts';
import { BUILTIN_PROMPT_SET } from '../src/lib/eval/builtin-prompts.ts';
import { launch, openApp, serveDist } from '../scripts/harness/chromium.ts';
import { MODEL_DIRS } from '../models/dirs.ts';
import { dirReader } from '../src/cli/dir-reader.ts';
import { spliceSection } from './splice-section.ts';

const root = resolve(import.meta.dirname, '..');
const RUN = { prompts: 60, k: 4, seed: 1, steps: 1 };
const IMAGES = RUN.prompts * RUN.k;
export const EVAL_HEADING = `## Evaluation: ${RUN.prompts} prompts × K=${RUN.k}`;

interface RunTime { wallMs: number; images: number; requests: string[]; meanScore: number; peakRss?: number }
interface ChromiumMem { jsBytes: number | null; rss: number; idb: number | null }
interface NodeMem { rss: number; heapUsed: number; external: number }

/**
 * Sum of RSS over this process's descendants that are Chromium (Playwright spawns the browser as
 * our child; tsx's esbuild helper is a child too and must not count). Shared pages are counted once
 * per process, the same way bench/full-size does.
 */
function chromiumRss(): number {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' })
    .trim().split('\n').map((l) => l.trim().split(/\s+/));
  const kids = new Map<string, string[]>();
  for (const [pid, ppid] of rows) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  const byPid = new Map(rows.map((r) => [r[0], r]));
  let total = 0;
  const stack = [...(kids.get(String(process.pid)) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    const [, , kb, comm] = byPid.get(pid) ?? [];
    if (/chrom/i.test(comm ?? '')) total += Number(kb) * 1024;
    stack.push(...(kids.get(pid) ?? []));
  }
  return total;
}

async function chromiumMem(page: Page): Promise<ChromiumMem> {
  const inPage = await page.evaluate(async () => {
    // Page + its worker (same agent cluster). Needs cross-origin isolation, which vite preview gives.
    // Headless Chromium answers only after its 60 s timeout (a CDP GC does not hurry it): ~4 min here.
    const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
    const jsBytes = crossOriginIsolated && p.measureUserAgentSpecificMemory ? (await p.measureUserAgentSpecificMemory()).bytes : null;
    // usageDetails (Chromium only) separates IndexedDB from the service worker's precache.
    const est = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
    return { jsBytes, idb: est.usageDetails ? (est.usageDetails.indexedDB ?? 0) : null };
  });
  return { ...inPage, rss: chromiumRss() };
}

async function clickRun(page: Page, requests: string[]): Promise<RunTime> {
  const label = (await page.getByTestId('eval-run').textContent())?.trim();
  if (label !== `Run ${RUN.prompts} × ${RUN.k} = ${IMAGES} images`) throw new Error(`unexpected Run button: ${label}`);
  requests.length = 0;
  let peakRss = 0;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, chromiumRss())), 500);
  const t0 = performance.now();
  try {
    await page.getByTestId('eval-run').click();
    await page.locator('[data-testid=eval-progress][data-status=done]').waitFor({ timeout: 30 * 60_000 });
  } finally {
    clearInterval(timer);
  }
  const wallMs = performance.now() - t0;
  const images = Number(await page.getByTestId('eval-progress').getAttribute('data-done'));
  const all = page.getByTestId('eval-categories').locator('tr[data-category="all"]');
  return { wallMs, images, requests: [...requests], meanScore: Number(await all.getAttribute('data-mean')), peakRss };
}

async function inChromium() {
  const { server, url } = await serveDist();
  const b = await launch(false, 'measure');
  try {
    const { page } = b;
    await openApp(page, url, 'wasm', { view: 'evaluate' });
    // The service worker precaches the app and models once after the first load; wait for it so
    // those fetches (not part of an evaluation) happen before the runs' request count starts.
    await page.locator('[data-testid=offline][data-state=ready]').waitFor({ timeout: 120_000 });
    const loadRequests = b.requests.length;
    await page.getByTestId('eval-limit').fill(String(RUN.prompts));
    await page.getByTestId('eval-k').fill(String(RUN.k));
    await page.getByTestId('eval-seed').fill(String(RUN.seed));
    await page.getByTestId('eval-steps').selectOption(String(RUN.steps));
    const before = await chromiumMem(page);
    const run1 = await clickRun(page, b.requests);
    const after1 = await chromiumMem(page);
    await page.getByTestId('eval-discard').click();
    await page.getByTestId('eval-progress').waitFor({ state: 'detached' });
    const discarded = await chromiumMem(page);
    const run2 = await clickRun(page, b.requests);
    const after2 = await chromiumMem(page);
    const version = (await page.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1] ?? '';
    return { version, loadRequests, mem: [before, after1, discarded, after2], runs: [run1, run2], errors: [...b.consoleErrors] };
  } finally {
    await b.close();
    await server.close();
  }
}

function nodeMem(): NodeMem {
  (globalThis as { gc?: () => void }).gc?.(); // --expose-gc: measure what is live, not garbage
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

async function inNode() {
  const engine = new Engine();
  await engine.init({ backend: 'wasm' });
  await engine.loadScorer({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) });
  await engine.loadGenerator({ kind: 'reader', origin: 'sd-tiny', read: dirReader(MODEL_DIRS.sdTiny) });
  const prompts = BUILTIN_PROMPT_SET.prompts.slice(0, RUN.prompts).map(({ id, prompt, category }) => ({ id, prompt, category }));
  const mem = [nodeMem()];
  const runs: RunTime[] = [];
  let pngBytes = 0;
  for (const r of [1, 2]) {
    // A fresh store per run, as Discard leaves none; the store stays alive when measuring, as the app
    // keeps the finished run's results on screen.
    const store = new MemoryEvalStore();
    const t0 = performance.now();
    const outcome = await runEvaluation({ runId: `node-${r}`, prompts, k: RUN.k, seed: RUN.seed, steps: RUN.steps },
      { store, engine });
    const wallMs = performance.now() - t0;
    if (outcome !== 'done') throw new Error(`Node run ${r} ended ${outcome}`);
    const scores = [...store.rows.values()].map((x) => x.score);
    pngBytes = [...store.rows.values()].reduce((a, x) => a + x.png.byteLength, 0);
    runs.push({ wallMs, images: scores.length, requests: [], meanScore: scores.reduce((a, x) => a + x, 0) / scores.length });
    mem.push(nodeMem());
  }
  await engine.dispose();
  return { mem, runs, pngBytes };
}

/** Build the app unless PREFLENS_DIST names a build already made (e.g. by `npx vite build --outDir`). */
async function appBuild(): Promise<void> {
  if (process.env.PREFLENS_DIST) return;
  const outDir = resolve(root, '.bench/app-dist');
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  process.env.PREFLENS_DIST = outDir; // serveDist (scripts/harness/chromium.ts) serves this folder
}

export async function evalSection(): Promise<string[]> {
  await appBuild();
  const load0 = loadavg()[0];
  let t = performance.now();
  const lap = (what: string) => console.log(`Evaluation ${RUN.prompts}×${RUN.k}: ${what} (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  const c = await inChromium();
  lap('Chromium WASM done');
  t = performance.now();
  const n = await inNode();
  lap('Node done');
  return report(c, n, [load0, loadavg()[0]]);
}

const mib = (b: number | null | undefined) => (b == null ? 'n/a' : `${(b / 2 ** 20).toFixed(1)} MiB`);
/** Change in MiB; the percentage only over a base of at least 1 MiB (IndexedDB starts near 0). */
function delta(a: number | null | undefined, b: number | null | undefined): string {
  if (a == null || b == null) return 'n/a';
  const d = `${a >= b ? '+' : '−'}${(Math.abs(a - b) / 2 ** 20).toFixed(1)} MiB`;
  return b >= 2 ** 20 ? `${d} (${a >= b ? '+' : '−'}${Math.abs(100 * (a / b - 1)).toFixed(1)}%)` : d;
}

type C = Awaited<ReturnType<typeof inChromium>>;
type N = Awaited<ReturnType<typeof inNode>>;

function report(c: C, n: N, load: number[]): string[] {
  const timeRow = (path: string, i: number, r: RunTime, ref: RunTime, chromium: boolean) =>
    `| ${path} | ${i + 1}${chromium && i ? ' (after Discard)' : ''} | ${r.images} | ${(r.wallMs / 1000).toFixed(2)} | ` +
    `${(r.images / (r.wallMs / 1000)).toFixed(1)} | ${(r.wallMs / r.images).toFixed(1)} | ${(r.wallMs / ref.wallMs).toFixed(2)}× | ` +
    `${chromium ? r.requests.length : 'n/a'} | ${r.meanScore.toFixed(4)} |`;
  const memRow = (what: string, v: (number | null | undefined)[]) =>
    `| ${what} | ${v.map(mib).join(' | ')} | ${delta(v[1], v[0])} | ${delta(v[3], v[1])} |`;
  const [m0, m1, md, m2] = c.mem;
  const nm = n.mem;
  const seen = [...new Set(c.runs.flatMap((r) => r.requests))];
  return [
    '',
    EVAL_HEADING,
    '',
    'Made by `npm run bench:eval` (bench/eval-bench.ts, also part of `npm run bench`); all numbers from',
    `one run: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, Debian chromium ${c.version}, WASM; load`,
    `average ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end (the machine is shared, so times are noisy).`,
    `The built-in prompt set's first ${RUN.prompts} prompts, K=${RUN.k} (${IMAGES} images, ${mib(n.pngBytes)} of PNG), seed ${RUN.seed},`,
    `${RUN.steps} step, \`sd-tiny\` fp32 + \`vp-tiny\`, each path run twice with no warm-up. Chromium: the real Evaluate`,
    'view (`?view=evaluate&backend=wasm`), wall time from clicking Run to `data-status=done`, so it includes',
    'saving each image to IndexedDB and redrawing the summary, charts and gallery; run 2 follows',
    '*Discard this run*. Node: `runEvaluation` on an `Engine` with a `MemoryEvalStore`. "Chromium / Node"',
    'compares the same run number. Equal mean scores show both paths made the same images.',
    '',
    '| path | run | images | wall s | images / s | ms / image | Chromium / Node | HTTP requests during run | mean score |',
    '|---|---|---|---|---|---|---|---|---|',
    ...c.runs.map((r, i) => timeRow('Chromium, WASM (Evaluate view)', i, r, n.runs[i], true)),
    ...n.runs.map((r, i) => timeRow('Node, ort-web WASM (runEvaluation)', i, r, r, false)),
    '',
    'Requests: every http(s) request of the browser context (page, worker, service worker) from the',
    `click to "done"${seen.length ? `: ${seen.join(', ')}` : ''}. Before the runs, loading the app and its offline copy made ${c.loadRequests}.`,
    '',
    'Memory before run 1 (models loaded, idle), after run 1, after Discard, after run 2. Chromium JS:',
    '`performance.measureUserAgentSpecificMemory()` (page + worker); RSS: sum over Chromium\'s',
    'processes (shared pages counted per process); IndexedDB: `navigator.storage.estimate().usageDetails`.',
    'Node: `process.memoryUsage()` after a GC; its run 1 store is dropped before run 2 (no Discard).',
    '',
    '| measure | before run 1 | after run 1 | after Discard | after run 2 | run 1 − before | run 2 − run 1 |',
    '|---|---|---|---|---|---|---|',
    memRow('Chromium JS (page + worker)', [m0.jsBytes, m1.jsBytes, md.jsBytes, m2.jsBytes]),
    memRow('Chromium RSS, all processes', [m0.rss, m1.rss, md.rss, m2.rss]),
    `| Chromium RSS, peak during the run | | ${mib(c.runs[0].peakRss)} | | ${mib(c.runs[1].peakRss)} | | ${delta(c.runs[1].peakRss, c.runs[0].peakRss)} |`,
    memRow('Chromium IndexedDB usage', [m0.idb, m1.idb, md.idb, m2.idb]),
    memRow('Node RSS', [nm[0].rss, nm[1].rss, null, nm[2].rss]),
    memRow('Node V8 heap used', [nm[0].heapUsed, nm[1].heapUsed, null, nm[2].heapUsed]),
    memRow('Node external (ArrayBuffers, WASM)', [nm[0].external, nm[1].external, null, nm[2].external]),
    ...(c.errors.length ? ['', `Console errors in Chromium: ${c.errors.slice(0, 3).join(' / ')}`] : []),
    '',
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = await evalSection();
  // In place of an older one, else before the full-size or storage section.
  spliceSection(resolve(root, 'BENCHMARKS.md'), lines.slice(1), ['## VP-Score at full size', '## Model storage']);
  console.log(lines.join('\n'));
}
