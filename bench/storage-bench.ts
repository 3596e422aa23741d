// `npm run bench:storage`: how OPFS (sync access handle) and the Cache API hold a >1 GB model file
// in a dedicated module worker of Debian's headless Chromium: write/read time, peak RSS of all
// Chromium processes, estimate()/persist(), resuming a half-written file after a worker restart
// and a browser crash, and what a quota override (CDP) makes each store throw. Prints markdown.
// The page (bench/storage-page/) is served from 127.0.0.1 with COOP/COEP like vite.config.ts, since
// storage needs an origin and the app's worker runs cross-origin isolated.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const MiB = 1024 * 1024;
const CHUNK = 16 * MiB; // within the 8–16 MiB range; fewer write() calls
// 77 chunks = 1232 MiB = 1.20 GiB, chunk-aligned so a resume point is a chunk edge. The env var is
// only for a quick smoke run of the script itself.
const CHUNKS = Number(process.env.STORAGE_BENCH_CHUNKS ?? 77);
const TOTAL = CHUNKS * CHUNK;
const HALF = Math.floor(CHUNKS / 2) * CHUNK;
const QUOTA = 64 * MiB;
const BIG = 'model.bin';
const CACHE = 'storage-bench';
const PAGE_DIR = resolve(import.meta.dirname, 'storage-page');
const ARGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync']; // as scripts/harness/chromium.ts

/** Static files of bench/storage-page with the cross-origin isolation headers. */
function serve(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const name = (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').slice(1).split('?')[0];
    const file = join(PAGE_DIR, name);
    if (!file.startsWith(PAGE_DIR) || !/^[\w.-]+$/.test(name)) return void res.writeHead(404).end();
    try {
      const body = readFileSync(file);
      res.writeHead(200, {
        'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    ok({ server, origin: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
  }));
}

/** Pids below `root` (Playwright → /usr/bin/chromium shell wrapper → chromium → its children). */
function descendants(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8'); // "pid (comm) state ppid ..."
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const stack = [...(kids.get(root) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return out;
}

/** Sum of VmRSS over the tree, in bytes. */
function treeRss(): number {
  let kb = 0;
  for (const pid of descendants(process.pid)) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch { /* exited meanwhile */ }
  }
  return kb * 1024;
}

// Sampled every 100 ms for the whole run; each step resets the peak to the idle value at its start.
let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, treeRss()); }, 100);

interface Row { step: string; bytes: number; ms: number; netMs?: number; idle: number; peak: number; result: string }
const rows: Row[] = [];
const facts: [string, string][] = [];

// Phase results are plain objects from worker.js (untyped JS), read loosely here.
type R = Record<string, any>;
/** What bench/storage-page/index.html puts on window. */
type PageApi = { runPhase(n: string, a: R, keep: boolean): Promise<R>; askPersist(): Promise<R>; ready: boolean };
const phase = (page: Page, name: string, args: R = {}, keep = false): Promise<R> =>
  page.evaluate(([n, a, k]) => (window as unknown as PageApi).runPhase(n, a, k), [name, args, keep] as const);

/** Runs one phase with the RSS peak reset; `row` turns its result into a table row. */
async function step(page: Page, name: string, args: R, row: (r: R) => Omit<Row, 'idle' | 'peak'>): Promise<R> {
  const idle = treeRss();
  peak = idle;
  const r = await phase(page, name, args);
  await new Promise((ok) => setTimeout(ok, 150)); // one more sample after the reply
  rows.push({ ...row(r), idle, peak });
  return r;
}

async function open(profile: string, origin: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => (window as unknown as PageApi).ready);
  return { context, page };
}

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GiB`;
const mib = (b: number) => `${(b / MiB).toFixed(0)} MiB`;
const est = (e: R) => `usage ${mib(e.usage)}, quota ${gib(e.quota)}`;
const checked = (r: R, n: number) => (r.size === n && r.bad.length === 0 ? 'all checked words right' : `WRONG size ${r.size} / words at ${r.bad}`);

async function main(): Promise<void> {
  const { server, origin } = await serve();
  const profile = mkdtempSync(join(tmpdir(), 'preflens-storage-'));
  let { context, page } = await open(profile, origin);
  let genMs = NaN;
  try {
    const env = await phase(page, 'env');
    facts.push(['worker', `module worker, crossOriginIsolated=${env.crossOriginIsolated}, FileSystemSyncAccessHandle=${env.syncHandle}, caches=${env.caches}`]);
    facts.push(['estimate() before', est(env)]);
    const p = await page.evaluate(() => (window as unknown as PageApi).askPersist());
    facts.push(['persist() in headless (page)', `resolves ${p.persist}; persisted() then ${p.persisted}`]);

    genMs = (await step(page, 'gen', { total: TOTAL, chunk: CHUNK }, (r) => ({ step: 'generate bytes only (baseline)', bytes: TOTAL, ms: r.ms, result: 'no store' }))).ms;

    // 1. OPFS: half, close, worker gone; a new worker resumes at getSize().
    const w1 = await step(page, 'opfsWrite', { name: BIG, chunk: CHUNK, from: 0, to: HALF, flush: true, close: true },
      (r) => ({ step: 'OPFS write 1st half, close(), worker terminated', bytes: HALF, ms: r.ms, netMs: r.ms - r.genMs, result: `getSize() ${r.sizeAfter}` }));
    const w2 = await step(page, 'opfsWrite', { name: BIG, chunk: CHUNK, to: TOTAL, resume: true, flush: true, close: true },
      (r) => ({ step: 'OPFS resume in a new worker at getSize()', bytes: TOTAL - r.start, ms: r.ms, netMs: r.ms - r.genMs, result: `getSize() at open ${r.sizeAtOpen}, resumed there; now ${r.sizeAfter}` }));
    rows.push({ step: 'OPFS write total (sum of both)', bytes: TOTAL, ms: w1.ms + w2.ms, netMs: w1.ms + w2.ms - w1.genMs - w2.genMs, idle: NaN, peak: NaN, result: '' });
    facts.push(['estimate() with the OPFS file', est(await phase(page, 'env'))]);
    await step(page, 'opfsReadSync', { name: BIG, chunk: CHUNK }, (r) => ({ step: 'OPFS read: sync read(buf, {at: 0}), one Uint8Array', bytes: r.size, ms: r.ms, result: `read() returned ${r.got}; ${checked(r, TOTAL)}` }));
    await step(page, 'opfsReadSync', { name: BIG, chunk: CHUNK, piece: CHUNK }, (r) => ({ step: 'OPFS read: sync read() per 16 MiB into one Uint8Array', bytes: r.size, ms: r.ms, result: checked(r, TOTAL) }));
    await step(page, 'opfsReadFile', { name: BIG, chunk: CHUNK }, (r) => ({ step: 'OPFS read: getFile().arrayBuffer()', bytes: r.size, ms: r.ms, result: checked(r, TOTAL) }));

    // Handle never flushed or closed; the worker is terminated right after its last write().
    await phase(page, 'opfsWrite', { name: 'unclosed.bin', chunk: CHUNK, from: 0, to: 4 * CHUNK, flush: false, close: false });
    const u = await phase(page, 'opfsSize', { name: 'unclosed.bin' });
    facts.push(['OPFS: 64 MiB written, no flush()/close(), worker terminated', `new worker sees size ${u.size} (${mib(u.size)}), last word ${u.lastWordOk ? 'right' : 'WRONG'}`]);
    facts.push(['estimate() after deleting OPFS files', est(await phase(page, 'opfsDelete', { names: [BIG, 'unclosed.bin'] }))]);

    // 2. Cache API: a streamed Response, then read back whole.
    const url = `${origin}/models/model.bin`;
    await step(page, 'cachePut', { cacheName: CACHE, url, total: TOTAL, chunk: CHUNK }, (r) => ({ step: 'Cache put(Response(ReadableStream))', bytes: TOTAL, ms: r.ms, netMs: r.ms - r.genMs, result: r.ok ? 'stored' : `${r.error.name}: ${r.error.message}` }));
    facts.push(['estimate() with the cached Response', est((await phase(page, 'cacheState', { cacheName: CACHE, url: 'none' })))]);
    await step(page, 'cacheRead', { cacheName: CACHE, url, chunk: CHUNK }, (r) => ({ step: 'Cache read: (await match(url)).arrayBuffer()', bytes: r.size, ms: r.ms, result: checked(r, TOTAL) }));
    await phase(page, 'cacheDelete', { cacheName: CACHE });

    // A stream that errors half-way: nothing to resume from; and over an existing complete entry?
    const fail = await phase(page, 'cachePut', { cacheName: CACHE, url, total: 16 * CHUNK, chunk: CHUNK, errorAt: 8 * CHUNK });
    const after = await phase(page, 'cacheState', { cacheName: CACHE, url });
    facts.push(['Cache: 256 MiB stream errors after 128 MiB', `put() rejects ${fail.error?.name}: "${fail.error?.message}"; match(url) ${after.stored ? `returns ${after.size} B` : 'is undefined'}, ${after.keys} keys, ${est(after)}`]);
    await phase(page, 'cachePut', { cacheName: CACHE, url, total: CHUNK, chunk: CHUNK });
    await phase(page, 'cachePut', { cacheName: CACHE, url, total: 16 * CHUNK, chunk: CHUNK, errorAt: 8 * CHUNK });
    const old = await phase(page, 'cacheState', { cacheName: CACHE, url });
    facts.push(['Cache: same failure over a complete 16 MiB entry', `old entry ${old.stored ? `kept (${old.size} B)` : 'gone'}`]);
    await phase(page, 'cacheDelete', { cacheName: CACHE });

    // 5. Quota via CDP, as an e2e test would simulate a full disk. estimate() is compared with
    // CDP's own view (Storage.getUsageAndQuota), which does show the override.
    let cdp = await context.newCDPSession(page);
    const usage = async () => {
      const u = await cdp.send('Storage.getUsageAndQuota', { origin });
      const parts = u.usageBreakdown.filter((x) => x.usage > 0).map((x) => `${x.storageType} ${mib(x.usage)}`);
      return `usage ${mib(u.usage)}${parts.length ? ` (${parts.join(', ')})` : ''}, quota ${mib(u.quota)}, overrideActive ${u.overrideActive}`;
    };
    facts.push(['CDP getUsageAndQuota before the override', await usage()]);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA });
    facts.push(['estimate() after overrideQuotaForOrigin(64 MiB)', est(await phase(page, 'env'))]);
    facts.push(['CDP getUsageAndQuota after the override', await usage()]);
    const q = await phase(page, 'quotaOpfs', { name: 'quota.bin', chunk: MiB, limit: 128 * MiB });
    facts.push(['OPFS write() over quota (1 MiB writes)', q.error
      ? `${q.stage}() throws ${q.error.name}: "${q.error.message}" after ${mib(q.written)} written; getSize() ${q.sizeAfter === null ? 'n/a' : mib(q.sizeAfter)}`
      : `no error, ${mib(q.written)} written`]);
    await phase(page, 'opfsDelete', { names: ['quota.bin'] });
    const q48 = await phase(page, 'quotaOpfs', { name: 'quota.bin', chunk: 48 * MiB, limit: 48 * MiB });
    facts.push(['OPFS one 48 MiB write() under the 64 MiB quota', q48.error ? `${q48.stage}() throws ${q48.error.name}` : 'ok']);
    await phase(page, 'opfsDelete', { names: ['quota.bin'] });
    const small = await phase(page, 'cachePut', { cacheName: CACHE, url, total: 48 * MiB, chunk: 8 * MiB });
    facts.push(['Cache put 48 MiB under the 64 MiB quota', small.ok ? 'stored' : `${small.error.name}: "${small.error.message}"`]);
    await phase(page, 'cacheDelete', { cacheName: CACHE });
    const big = await phase(page, 'cachePut', { cacheName: CACHE, url, total: 128 * MiB, chunk: 8 * MiB });
    const bigState = await phase(page, 'cacheState', { cacheName: CACHE, url });
    facts.push(['Cache put 128 MiB over the quota', `${big.ok ? 'stored (no error)' : `rejects ${big.error.name}: "${big.error.message}"`} after the stream gave ${mib(big.sent)}; match(url) ${bigState.stored ? 'finds it' : 'undefined'}`]);
    await phase(page, 'cacheDelete', { cacheName: CACHE });
    await cdp.send('Storage.overrideQuotaForOrigin', { origin }); // no quotaSize: back to the default

    // Browser crash: the worker still holds an open, unflushed handle when Chromium is SIGKILLed.
    // While open, the handle has reserved more than it wrote (usage counts the reservation).
    await phase(page, 'opfsWrite', { name: 'crash.bin', chunk: 8 * MiB, from: 0, to: 40 * MiB, flush: false, close: false }, true);
    facts.push(['OPFS: 40 MiB written, handle still open', await usage()]);
    await phase(page, 'opfsWrite', { name: 'big-open.bin', chunk: CHUNK, from: 0, to: TOTAL, flush: false, close: false }, true);
    facts.push([`OPFS: + ${mib(TOTAL)} written in a 2nd file, handle still open`, await usage()]);
    const browserPid = descendants(process.pid).find((pid) => {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); // NUL-separated argv
      return cmd.startsWith('/usr/lib/chromium/chromium') && !cmd.includes('--type=');
    });
    if (!browserPid) throw new Error('browser process not found');
    process.kill(browserPid, 'SIGKILL');
    await Promise.race([context.close().catch(() => {}), new Promise((ok) => setTimeout(ok, 10_000))]);
    ({ context, page } = await open(profile, origin));
    cdp = await context.newCDPSession(page);
    for (const [name, n] of [['crash.bin', 40 * MiB], ['big-open.bin', TOTAL]] as const) {
      const c = await phase(page, 'opfsSize', { name });
      facts.push([`after SIGKILL + relaunch: ${name} (${mib(n)} written)`, `size ${c.size} (${mib(c.size)}), last word ${c.lastWordOk ? 'right' : 'WRONG'}`]);
    }
    facts.push(['after SIGKILL + relaunch: estimate() / CDP', `${est(await phase(page, 'env'))} / ${await usage()}`]);
    await phase(page, 'opfsDelete', { names: ['crash.bin', 'big-open.bin'] });
    facts.push(['at the end (files deleted): estimate() / CDP', `${est(await phase(page, 'env'))} / ${await usage()}`]);
  } finally {
    clearInterval(sampler);
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    server.close();
    print(genMs); // also what was seen before a failure
  }
}

function print(genMs: number): void {
  const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : '');
  const lines = [
    `File ${mib(TOTAL)} (${gib(TOTAL)}), ${CHUNK / MiB} MiB chunks, in a dedicated module worker; generating the bytes alone takes ${f(genMs)} ms.`,
    'MiB/s for writes is net of that generation time. Peak RSS: largest sum of VmRSS over all Chromium processes, sampled every 100 ms; Δ is over the idle sum at the start of the step.',
    '',
    '| step | bytes | wall ms | MiB/s | peak RSS | Δ RSS | result |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.step} | ${mib(r.bytes)} | ${f(r.ms)} | ${f(r.bytes / MiB / ((r.netMs ?? r.ms) / 1000))} | ${Number.isFinite(r.peak) ? gib(r.peak) : ''} | ${Number.isFinite(r.peak) ? gib(r.peak - r.idle) : ''} | ${r.result} |`),
    '',
    '| check | observed |',
    '|---|---|',
    ...facts.map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`),
  ];
  console.log(lines.join('\n'));
}

await main();
