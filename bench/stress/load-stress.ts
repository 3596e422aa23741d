// `npm run stress:load [-- --loads N] [--only NAME,…] [--hung-s S]`: load the imported-layout
// VP-Score (graph + model.onnx_data, as an import or a download stores it) again and again in
// Debian chromium, each load in a fresh worker, per way of running onnxruntime, and count the loads
// that hang. The tiny family (models/out/vp-tiny-ext) and the full-size q8 (random weights, built on
// demand into .bench/, ~450 MB). Not part of CI: 30 full-size loads take minutes.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { launch } from '../../scripts/harness/chromium.ts';
import { writeExternalCopy } from '../../models/vp-score/external-folder.ts';
import { serveBenchPage } from '../bench-page.ts';
import { ensureFullModel, FULL_DIR } from '../full-size/vp-full.ts';
import { ensureVariant } from '../full-size/run-full.ts';
import type { LoadOutcome, LoadStressArgs } from './load-stress-page.ts';
import { appReloadStress } from './app-reload.ts';

const MODELS = resolve(FULL_DIR, '..');
const FILES = ['preflens.json', 'model.onnx', 'model.onnx_data', 'tokenizer.json'];

interface Case { name: string; model: 'tiny' | 'full-q8'; webgpu: boolean; args?: Omit<LoadStressArgs, 'folder' | 'files' | 'loads' | 'hungMs'>; mode?: 'reload' | 'import' }

const CASES: Case[] = [
  { name: 'tiny-jspi-blob-2t', model: 'tiny', webgpu: false, args: { backend: 'wasm', numThreads: 2, ortBuild: 'jspi', externalData: 'blob' } },
  { name: 'tiny-jspi-blob-1t', model: 'tiny', webgpu: false, args: { backend: 'wasm', numThreads: 1, ortBuild: 'jspi', externalData: 'blob' } },
  { name: 'tiny-jspi-bytes-2t', model: 'tiny', webgpu: false, args: { backend: 'wasm', numThreads: 2, ortBuild: 'jspi', externalData: 'bytes' } },
  { name: 'tiny-wasm-bytes-2t', model: 'tiny', webgpu: false, args: { backend: 'wasm', numThreads: 2, ortBuild: 'wasm' } },
  { name: 'tiny-webgpu-jspi-blob', model: 'tiny', webgpu: true, args: { backend: 'webgpu', numThreads: 2, ortBuild: 'jspi', externalData: 'blob' } },
  { name: 'full-jspi-blob-2t', model: 'full-q8', webgpu: false, args: { backend: 'wasm', numThreads: 2, ortBuild: 'jspi', externalData: 'blob' } },
  { name: 'full-jspi-blob-1t', model: 'full-q8', webgpu: false, args: { backend: 'wasm', numThreads: 1, ortBuild: 'jspi', externalData: 'blob' } },
  { name: 'full-jspi-bytes-2t', model: 'full-q8', webgpu: false, args: { backend: 'wasm', numThreads: 2, ortBuild: 'jspi', externalData: 'bytes' } },
  { name: 'full-webgpu-jspi-blob', model: 'full-q8', webgpu: true, args: { backend: 'webgpu', numThreads: 2, ortBuild: 'jspi', externalData: 'blob' } },
  { name: 'full-webgpu-jspi-bytes', model: 'full-q8', webgpu: true, args: { backend: 'webgpu', numThreads: 2, ortBuild: 'jspi', externalData: 'bytes' } },
  // The app itself (args: none): imported with "Import a checkpoint…", then visited again and again,
  // or imported and used again and again in one page (the load in the worker that converted).
  { name: 'app-tiny-wasm', model: 'tiny', webgpu: false, mode: 'reload' },
  { name: 'app-tiny-webgpu', model: 'tiny', webgpu: true, mode: 'reload' },
  { name: 'app-import-tiny-wasm', model: 'tiny', webgpu: false, mode: 'import' },
  { name: 'app-import-tiny-webgpu', model: 'tiny', webgpu: true, mode: 'import' },
  { name: 'app-full-wasm', model: 'full-q8', webgpu: false, mode: 'reload' },
  { name: 'app-full-webgpu', model: 'full-q8', webgpu: true, mode: 'reload' },
];

function positiveInt(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} takes a whole number ≥ 1, not "${process.argv[i + 1] ?? ''}"`);
  return v;
}

function chosenCases(): Case[] {
  const i = process.argv.indexOf('--only');
  if (i < 0) return CASES;
  const names = (process.argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !CASES.some((c) => c.name === n || c.name.startsWith(`${n}-`)));
  if (!names.length || unknown.length) throw new Error(`--only takes case names or prefixes from: ${CASES.map((c) => c.name).join(', ')} (unknown: ${unknown.join(', ') || 'none given'})`);
  return CASES.filter((c) => names.some((n) => c.name === n || c.name.startsWith(`${n}-`)));
}

function modelDir(model: Case['model']): string {
  if (model === 'tiny') {
    const dir = join(MODELS, 'vp-tiny-ext');
    cpSync(resolve(import.meta.dirname, '../../models/out/vp-tiny-ext'), dir, { recursive: true });
    return dir;
  }
  ensureFullModel();
  const dir = join(MODELS, 'vp-full-q8-ext');
  if (!existsSync(join(dir, 'preflens.json'))) writeExternalCopy(ensureVariant('q8'), dir, 'vp-full-q8-ext');
  return dir;
}

const BENCH = resolve(import.meta.dirname, '../../.bench');

/** The checkpoint the app imports: the tiny fixture's layout, or ImageReward's full size (1.79 GB). */
function checkpointFor(model: Case['model']): { checkpoint: string; vocab: string; heads?: { vision: number; text: number } } {
  const full = model === 'full-q8';
  const dir = join(BENCH, full ? 'ckpt' : 'ckpt-tiny');
  const checkpoint = join(dir, full ? 'ImageReward-random.pt' : 'ckpt.pt');
  const vocab = join(dir, 'vocab.txt');
  if (!existsSync(checkpoint) || !existsSync(vocab)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('/usr/bin/python3', [resolve(import.meta.dirname, '../../tools/make_test_checkpoint.py'), ...(full ? ['--full-size'] : []), '--out', checkpoint, '--vocab-out', vocab], { stdio: 'inherit' });
  }
  return { checkpoint, vocab, heads: full ? undefined : { vision: 2, text: 2 } };
}

type Outcome = { ms: number; outcome: 'ok' | 'hung' | 'stuck' | 'error'; detail: string };

async function runCase(c: Case, loads: number, hungMs: number, pageUrl: string): Promise<Outcome[]> {
  if (!c.args) {
    return appReloadStress({ ...checkpointFor(c.model), webgpu: c.webgpu, visits: loads, stuckMs: hungMs, importMs: 15 * 60_000, mode: c.mode ?? 'reload' });
  }
  const dir = modelDir(c.model);
  const folder = dir.split('/').pop()!;
  const b = await launch(c.webgpu, 'measure');
  try {
    await b.page.goto(pageUrl);
    await b.page.waitForFunction(() => 'loadStress' in globalThis);
    type G = { loadStress: (a: LoadStressArgs) => Promise<LoadOutcome[]>; copyFolderIntoOpfs: (u: string, f: string, n: string[]) => Promise<void> };
    await b.page.evaluate(([u, f, n]) => (globalThis as unknown as G).copyFolderIntoOpfs(u, f, n), [new URL(`/full-models/${folder}/`, pageUrl).href, folder, FILES] as const);
    const args: LoadStressArgs = { ...c.args, folder, files: FILES, loads, hungMs };
    return await b.page.evaluate((a) => (globalThis as unknown as G).loadStress(a), args);
  } finally {
    await b.close();
  }
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

async function main() {
  const loads = positiveInt('--loads', 30);
  const hungMs = positiveInt('--hung-s', 60) * 1000;
  const cases = chosenCases();
  const { url, server } = await serveBenchPage();
  const rows: string[] = [];
  try {
    for (const c of cases) {
      console.log(`${c.name}: ${loads} loads…`);
      const out = await runCase(c, loads, hungMs, url);
      const ok = out.filter((o) => o.outcome === 'ok');
      const hung = out.filter((o) => o.outcome === 'hung' || o.outcome === 'stuck');
      const failed = out.filter((o) => o.outcome === 'error');
      const where = [...new Set(hung.map((o) => o.detail))].join('; ');
      rows.push(`| ${c.name} | ${loads} | ${ok.length} | ${hung.length} | ${failed.length} | ${(median(ok.map((o) => o.ms)) / 1000).toFixed(2)} | ${(Math.max(...ok.map((o) => o.ms), 0) / 1000).toFixed(2)} | ${where || '—'} ${failed.length ? `errors: ${failed[0].detail.slice(0, 100)}` : ''} |`);
      console.log(rows.at(-1));
    }
  } finally {
    await server.close();
  }
  const vnni = readFileSync('/proc/cpuinfo', 'utf8').includes('avx512_vnni') ? 'AVX-512 VNNI' : 'AVX2, no AVX-512 VNNI';
  console.log([
    '',
    `## Load stress (${cpus()[0].model}, ${vnni}, ${cpus().length} cores)`,
    '',
    `\`npm run stress:load -- --loads ${loads}\` (bench/stress/load-stress.ts): each load in a fresh worker, a load not settled in ${hungMs / 1000} s counts as hung.`,
    '',
    '| case | loads | ok | hung | failed | median s | max s | last step of a hung load |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'));
}

await main();
