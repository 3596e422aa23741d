// `npm run bench:import`: the streamed checkpoint import at ImageReward's full size, on a random
// checkpoint written by tools/make_test_checkpoint.py --full-size into .bench/ckpt (1.79 GB, built
// on demand, never committed). Measures, in one run, time per stage and peak memory (largest sum of
// RSS over the process tree, sampled every 250 ms) for: the Node import (what `preflens import`
// runs) and Chromium's "Import a checkpoint…" (the file picked, converted in the worker into OPFS);
// and how far the imported q8 and q4f16 agree with the imported float32 (onnxruntime-node).
// Prints the BENCHMARKS.md section.
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launch, serveDist } from '../../scripts/harness/chromium.ts';
import { descendantsRss } from './process-rss.ts';

const root = resolve(import.meta.dirname, '../..');
const dir = join(root, '.bench/ckpt');
const ckpt = join(dir, 'ImageReward-random.pt');
const vocab = join(dir, 'vocab.txt');
const GiB = 1024 ** 3;

interface Row { path: string; dtypes: string; stages: [string, number][]; totalMs: number; peak: number; before?: number }

function ensureCheckpoint(): void {
  if (existsSync(ckpt) && existsSync(vocab)) return;
  mkdirSync(dir, { recursive: true });
  execFileSync('/usr/bin/python3', [join(root, 'tools/make_test_checkpoint.py'), '--full-size', '--out', ckpt, '--vocab-out', vocab], { stdio: 'inherit' });
}

function sampler(): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, descendantsRss(process.pid))), 250);
  return { stop: () => (clearInterval(timer), peak) };
}

const nodeOut = join(root, '.bench/import-node');

/** `keep`: leave the folder for the agreement check. */
async function inNode(dtypes: string, keep = false): Promise<Row> {
  const out = nodeOut;
  rmSync(out, { recursive: true, force: true });
  const s = sampler();
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'import-node.ts'), ckpt, vocab, out, dtypes], { cwd: root });
  let text = '';
  child.stdout.on('data', (d) => (text += d));
  child.stderr.pipe(process.stderr);
  const code = await new Promise<number>((r) => child.on('exit', (c) => r(c ?? 1)));
  const peak = s.stop();
  if (code !== 0) throw new Error(`import-node exited ${code}`);
  const marks = text.trim().split('\n').map((l) => JSON.parse(l) as { stage: string; at: number });
  if (!keep) rmSync(out, { recursive: true, force: true });
  return { path: 'Node (`preflens import`)', dtypes, stages: durations(marks), totalMs: marks.at(-1)!.at, peak };
}

async function inChromium(): Promise<Row> {
  const { server, url } = await serveDist();
  const b = await launch(false, 'measure');
  const s = sampler();
  try {
    const { page } = b;
    await page.goto(`${url}?backend=wasm&view=models`);
    // The first visit reloads itself once when the service worker takes control: wait for that.
    await page.waitForFunction(() => crossOriginIsolated && navigator.serviceWorker.controller !== null, null, { timeout: 120_000 }).catch(() => undefined);
    await page.waitForFunction(() => crossOriginIsolated && navigator.serviceWorker.controller !== null, null, { timeout: 120_000 });
    await page.getByTestId('generator').waitFor({ state: 'attached', timeout: 120_000 });
    const form = page.getByTestId('import-form');
    await form.getByTestId('import-checkpoint').setInputFiles(ckpt);
    await form.getByTestId('import-vocab').setInputFiles(vocab);
    await form.getByTestId('import-name').fill('ImageReward (random, full size)');
    const before = descendantsRss(process.pid);
    const t0 = performance.now();
    await form.getByTestId('import-start').click();
    const marks: { stage: string; at: number }[] = [];
    for (;;) {
      // Read without waiting (a locator would wait for an element that is gone once the import ends).
      const seen = await page.evaluate(() => ({
        done: !!document.querySelector('[data-testid="import-done"]'),
        error: document.querySelector('[data-testid="import-form"] [data-testid="error"]')?.textContent ?? null,
        progress: document.querySelector('[data-testid="import-progress"]')?.textContent ?? '',
      }));
      if (seen.done) break;
      if (seen.error) throw new Error(`Chromium import failed: ${seen.error}`);
      const convert = /Converting to (\w+)/.exec(seen.progress)?.[1];
      const write = /Writing the (\w+) model/.exec(seen.progress)?.[1];
      const stage = convert ? `convert ${convert}` : write ? `write ${write}` : seen.progress.trim() ? 'read' : '';
      if (stage && stage !== marks.at(-1)?.stage) marks.push({ stage, at: performance.now() - t0 });
      await new Promise((r) => setTimeout(r, 250));
    }
    marks.push({ stage: 'done', at: performance.now() - t0 });
    return { path: 'Chromium WASM worker ("Import a checkpoint…", into OPFS)', dtypes: 'q8', stages: durations(marks), totalMs: marks.at(-1)!.at, peak: s.stop(), before };
  } finally {
    s.stop();
    await b.close();
    await server.close();
  }
}

/** Stage start marks → [stage, ms] spans (the last mark is "done"). */
function durations(marks: { stage: string; at: number }[]): [string, number][] {
  return marks.slice(0, -1).map((m, i) => [m.stage, marks[i + 1].at - m.at]);
}

interface AgreementRow { variant: string; rho: number; minPromptRho: number; maxAbsDiff: number; images: number; prompts: number }

/** The imported variants against the imported float32, in a child process (native runtime). */
function agreementRows(variants: string): AgreementRow[] {
  const text = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'import-agreement.ts'), nodeOut, variants], { cwd: root, encoding: 'utf8' });
  return text.trim().split('\n').map((l) => JSON.parse(l) as AgreementRow);
}

ensureCheckpoint();
const rows = [await inNode('q8'), await inNode('fp32,q8,q4f16', true)];
const agree = agreementRows('q8,q4f16');
rmSync(nodeOut, { recursive: true, force: true });
rows.push(await inChromium());
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const cpuinfo = execFileSync('cat', ['/proc/cpuinfo'], { encoding: 'utf8' });
const flags = /\bavx512_vnni\b/.test(cpuinfo) ? 'AVX-512 VNNI' : /\bavx2\b/.test(cpuinfo) ? 'AVX2, no AVX-512 VNNI' : 'no AVX2';
console.log(`## Importing a checkpoint at full size (ImageReward's 625 tensors, random weights, 1.79 GB)

Made by \`npm run bench:import\` (bench/full-size/import-bench.ts) on ${cpu} (${flags}), ${cpus().length} cores. Time per
stage (a weight is read from the checkpoint when its converter pass or the writer needs it, so
"convert" includes reading) and peak memory (largest sum of RSS over the process tree, sampled every
250 ms). All rows in one run.

| path | dtypes written | total s | stages (s) | peak memory | before the import |
|---|---|---|---|---|---|
${rows.map((r) => `| ${r.path} | ${r.dtypes} | ${(r.totalMs / 1000).toFixed(1)} | ${r.stages.map(([s, ms]) => `${s} ${(ms / 1000).toFixed(1)}`).join(' · ')} | ${(r.peak / GiB).toFixed(2)} GiB | ${r.before === undefined ? '—' : `${(r.before / GiB).toFixed(2)} GiB (the app open, tiny models loaded)`} |`).join('\n')}

Agreement of the imported variants with the imported float32 (all on onnxruntime-node, native CPU:
float32 does not fit WASM at this size), on the converter's check set (${agree[0].images} synthetic images ×
${agree[0].prompts} prompts; random weights, so this measures quantization error, not quality):

| variant | Spearman ρ (all scores) | worst per-prompt ρ | max \\|Δscore\\| |
|---|---|---|---|
${agree.map((a) => `| ${a.variant} | ${a.rho.toFixed(4)} | ${a.minPromptRho.toFixed(4)} | ${a.maxAbsDiff.toFixed(4)} |`).join('\n')}
`);
