// `npm run bench`: per-image scoring time and images/s at batch 1 and 8 for the tiny VP-Score on
// WASM in Chromium, WebGPU (SwiftShader) in Chromium and ort-web WASM in Node, in one run, with
// the share of engine time spent outside session.run. Writes BENCHMARKS.md.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { Engine } from '../src/lib/engine/engine.ts';
import type { StageTimings } from '../src/lib/engine/score/score-report.ts';
import { asInputs, sixImages } from '../models/test-images.ts';
import { MODEL_DIRS } from '../models/dirs.ts';
import { dirReader } from '../src/cli/dir-reader.ts';
import type { BrowserBenchArgs, BrowserBenchResult, GenBenchArgs, GenBenchResult } from './browser-bench.ts';
import { generationReport, nodeGenBench } from './generate-bench.ts';
import { fullSizeSection } from './full-size/run-full.ts';
import { serveBenchPage } from './bench-page.ts';
import { evalSection } from './eval-bench.ts';

const root = resolve(import.meta.dirname, '..');
const images = [...sixImages(), ...sixImages().slice(0, 2).map((im) => ({ ...im, name: `again-${im.name}` }))];
const BATCHES = [1, 8];

interface Row {
  path: string;
  detail: string;
  loadMs: number;
  batch: number;
  msPerImage: number;
  outsideRun: number;
  workerOverhead: number;
  timings: StageTimings;
}

function rows(path: string, r: BrowserBenchResult): Row[] {
  return r.byBatch.map((b) => ({
    path,
    detail: `${r.label}, ${r.numThreads} thread(s)`,
    loadMs: r.loadMs,
    batch: b.batch,
    msPerImage: b.wallMs / b.images,
    outsideRun: (b.timings.totalMs - b.timings.runMs) / b.timings.totalMs,
    workerOverhead: Math.max(0, (b.wallMs - b.timings.totalMs) / b.wallMs),
    timings: b.timings,
  }));
}

async function nodeWasm(reps: number): Promise<BrowserBenchResult> {
  const engine = new Engine();
  const info = await engine.init({ backend: 'wasm' });
  const model = await engine.loadScorer({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) });
  const prompt = 'a green colored cat on a red sofa';
  await engine.score({ prompt, images: asInputs(images), batchSize: 8 });
  const byBatch = [];
  for (const batch of BATCHES) {
    const sum: StageTimings = { readMs: 0, decodeMs: 0, preprocessMs: 0, tokenizeMs: 0, runMs: 0, totalMs: 0 };
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) {
      const rep = await engine.score({ prompt, images: asInputs(images), batchSize: batch });
      for (const k of Object.keys(sum) as (keyof StageTimings)[]) sum[k] += rep.timings[k];
    }
    byBatch.push({ batch, images: images.length * reps, wallMs: performance.now() - t0, timings: sum });
  }
  await engine.dispose();
  return { label: info.label, numThreads: info.numThreads, loadMs: model.loadMs, byBatch };
}

const GEN = { n: 8, steps: 2, runs: 10 };

async function inChromium(url: string, webgpu: boolean, reps: number): Promise<{ score: BrowserBenchResult; gen: GenBenchResult }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...(webgpu ? ['--enable-unsafe-webgpu'] : [])],
  });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'runBench' in globalThis);
    const backend = webgpu ? 'webgpu' : 'wasm';
    const args: BrowserBenchArgs = {
      backend,
      images: images.map((im) => ({ name: im.name, bytes: Array.from(im.bytes) })),
      batchSizes: BATCHES,
      reps,
    };
    type G = { runBench: (x: BrowserBenchArgs) => Promise<BrowserBenchResult>; runGenBench: (x: GenBenchArgs) => Promise<GenBenchResult> };
    const score = await page.evaluate((a) => (globalThis as unknown as G).runBench(a), args);
    // SwiftShader is ~30x slower than WASM: fewer runs there (still enough to see memory growth).
    const genArgs: GenBenchArgs = { backend, ...GEN, runs: webgpu ? 3 : GEN.runs };
    const gen = await page.evaluate((a) => (globalThis as unknown as G).runGenBench(a), genArgs);
    return { score, gen };
  } finally {
    await browser.close();
  }
}

async function main() {
  const { url, server } = await serveBenchPage();
  const all: Row[] = [];
  const gens: { path: string; r: GenBenchResult }[] = [];
  let full: string[] = [];
  try {
    console.log('Chromium WASM…');
    const w = await inChromium(url, false, 5);
    all.push(...rows('Chromium, WASM', w.score));
    gens.push({ path: 'Chromium, WASM', r: w.gen });
    console.log('Chromium WebGPU (SwiftShader)…');
    const g = await inChromium(url, true, 1);
    all.push(...rows('Chromium, WebGPU (SwiftShader)', g.score));
    gens.push({ path: 'Chromium, WebGPU (SwiftShader)', r: g.gen });
    console.log('Node, ort-web WASM…');
    all.push(...rows('Node, ort-web WASM', await nodeWasm(5)));
    gens.push({ path: 'Node, ort-web WASM', r: await nodeGenBench(GEN) });
    // BENCH_FULL=0 skips the full-size model (it takes ~10 minutes and ~6 GB of disk).
    if (process.env.BENCH_FULL !== '0') full = await fullSizeSection(url, images[0].bytes);
  } finally {
    await server.close();
  }
  // The 60-prompt evaluation drives the built app (not bench/index.html), so it builds and serves its
  // own copy; `npm run bench:eval` runs only this part and replaces only its section.
  const evaluation = await evalSection();
  const file = resolve(root, 'BENCHMARKS.md');
  const text = `${report(all)}\n${generationReport(gens, GEN).join('\n')}${evaluation.join('\n')}${full.join('\n')}${keptSection(file, STORAGE_HEADING)}`;
  writeFileSync(file, text);
  console.log(text);
}

/** Written by `npm run bench:storage` (bench/storage-bench.ts), not by this run: kept as it is. */
const STORAGE_HEADING = '## Model storage: OPFS vs Cache API';

function keptSection(file: string, heading: string): string {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = old.indexOf(heading);
  return at < 0 ? '' : `\n${old.slice(at)}`;
}

function report(all: Row[]): string {
  const ref = (batch: number) => all.find((r) => r.path === 'Chromium, WASM' && r.batch === batch)!.msPerImage;
  const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
  const lines = [
    '# Benchmarks',
    '',
    'Made by `npm run bench` (bench/run.ts) in one run; numbers below are from that run on this machine:',
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, no GPU, Node ${process.version}, Debian chromium.`,
    '',
    '## VP-Score, tiny built-in model (`vp-tiny`), 8 generated images of 150–400 px',
    '',
    'Time per image is wall time of `score()` through the real path (Chromium: UI-side comlink client →',
    'Web Worker → engine; Node: the engine directly), after one warm-up call. "vs Chromium WASM" is the',
    'ratio of ms/image to Chromium WASM at the same batch size. "outside run" is the share of engine',
    'time spent in reading, decoding, resizing, tokenizing and copies rather than `session.run`;',
    '"worker overhead" is the share of wall time not spent inside the engine (messaging, cloning).',
    '',
    '| path | backend | batch | ms / image | images / s | vs Chromium WASM | outside run | worker overhead | model load ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...all.map((r) =>
      `| ${r.path} | ${r.detail} | ${r.batch} | ${r.msPerImage.toFixed(2)} | ${(1000 / r.msPerImage).toFixed(1)} | ` +
      `${(r.msPerImage / ref(r.batch)).toFixed(2)}× | ${pct(r.outsideRun)} | ${pct(r.workerOverhead)} | ${r.loadMs.toFixed(0)} |`,
    ),
    '',
    'Where engine time goes, as shares of the engine\'s total (the rest: batching copies and bookkeeping):',
    '',
    '| path | batch | session.run | decode | resize + normalize | read file | tokenize |',
    '|---|---|---|---|---|---|---|',
    ...all.map((r) => {
      const t = r.timings;
      const share = (x: number) => pct(x / t.totalMs);
      return `| ${r.path} | ${r.batch} | ${share(t.runMs)} | ${share(t.decodeMs)} | ${share(t.preprocessMs)} | ${share(t.readMs)} | ${share(t.tokenizeMs)} |`;
    }),
    '',
    'The WebGPU row runs on SwiftShader, a software adapter: it proves the WebGPU path works and is',
    'not a speed measurement (PrefLens picks WASM over a software adapter unless forced).',
    '',
  ];
  return lines.join('\n');
}

await main();
