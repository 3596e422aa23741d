// Runs inside Chromium (built by bench/run.ts): times the real worker path (comlink client →
// worker → engine) on the built-in model and returns the engine's stage timings.
import type { OrtBuildName } from '../src/lib/engine/runtime/ort-build.ts';
import { EngineClient } from '../src/lib/worker/client.ts';
import type { BackendPreference } from '../src/lib/engine/runtime/backend-choice.ts';
import type { StageTimings } from '../src/lib/engine/score/score-report.ts';
import { addCandidate, newAccumulator, summarize } from './gen-accumulator.ts';

export interface BrowserBenchArgs {
  backend: BackendPreference;
  images: { name: string; bytes: number[] }[];
  batchSizes: number[];
  reps: number;
}

export interface BrowserBenchResult {
  label: string;
  numThreads: number;
  loadMs: number;
  byBatch: { batch: number; images: number; wallMs: number; timings: StageTimings }[];
}

async function runBench(args: BrowserBenchArgs): Promise<BrowserBenchResult> {
  const client = new EngineClient();
  try {
    const info = await client.init({ backend: args.backend });
    const model = await client.loadScorer({ kind: 'url', baseUrl: new URL('/models/vp-tiny/', location.href).href });
    const files = args.images.map((im) => new File([new Uint8Array(im.bytes)], im.name));
    const prompt = 'a green colored cat on a red sofa';
    await client.score({ prompt, images: files, batchSize: Math.max(...args.batchSizes) }); // warm-up
    const byBatch = [];
    for (const batch of args.batchSizes) {
      const sum: StageTimings = { readMs: 0, decodeMs: 0, preprocessMs: 0, tokenizeMs: 0, runMs: 0, totalMs: 0 };
      const t0 = performance.now();
      for (let r = 0; r < args.reps; r++) {
        const rep = await client.score({ prompt, images: files, batchSize: batch });
        for (const k of Object.keys(sum) as (keyof StageTimings)[]) sum[k] += rep.timings[k];
      }
      byBatch.push({ batch, images: files.length * args.reps, wallMs: performance.now() - t0, timings: sum });
    }
    return { label: info.label, numThreads: info.numThreads, loadMs: model.loadMs, byBatch };
  } finally {
    client.terminate();
  }
}

export interface GenBenchArgs {
  backend: BackendPreference;
  n: number;
  steps: number;
  runs: number;
}

/** Generation timings and memory, measured the same way in Node (bench/generate-bench.ts). */
export interface GenBenchResult {
  label: string;
  /** WASM threads the engine ran with. */
  numThreads?: number;
  variant: string;
  loadMs: number;
  candidates: number;
  /** Per candidate, mean ms: text encode is per prompt, so divided over its N candidates. */
  textMs: number;
  unetStepMs: number;
  vaeMs: number;
  scoreMs: number;
  pngMs: number;
  wallMsPerCandidate: number;
  /** Bytes (page + workers in Chromium, RSS in Node) after run 1 and after the last run. */
  memoryAfter1?: number;
  memoryAfterLast?: number;
}

async function measureMemory(): Promise<number | undefined> {
  const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
  if (!crossOriginIsolated || !p.measureUserAgentSpecificMemory) return undefined;
  return (await p.measureUserAgentSpecificMemory()).bytes;
}

async function runGenBench(args: GenBenchArgs): Promise<GenBenchResult> {
  const client = new EngineClient();
  try {
    const info = await client.init({ backend: args.backend });
    await client.loadScorer({ kind: 'url', baseUrl: new URL('/models/vp-tiny/', location.href).href });
    const gen = await client.loadGenerator({ kind: 'url', baseUrl: new URL('/models/sd-tiny/', location.href).href });
    const prompt = 'three apples on a wooden table';
    await client.generate({ prompt, n: 1, seed: 1, steps: args.steps }); // warm-up
    const acc = newAccumulator();
    let memoryAfter1: number | undefined;
    let wall = 0;
    for (let r = 0; r < args.runs; r++) {
      const t0 = performance.now();
      const report = await client.generate({ prompt, n: args.n, seed: 1000 + r * args.n, steps: args.steps }, (e) => {
        if (e.kind === 'prompt') acc.textMs += e.textEncodeMs;
      });
      wall += performance.now() - t0; // memory measurement (it may wait for a GC) is not timed
      for (const c of report.candidates) addCandidate(acc, c.timings);
      if (r === 0) memoryAfter1 = await measureMemory();
    }
    return { label: info.label, variant: gen.variant, loadMs: gen.loadMs, ...summarize(acc, wall), memoryAfter1, memoryAfterLast: await measureMemory() };
  } finally {
    client.terminate();
  }
}

export interface FullBenchArgs {
  modelUrl: string;
  /** One PNG's bytes, scored `batch` times per call. */
  image: number[];
  numThreads: number;
  batches: number[];
  reps: number;
  /** An onnxruntime build other than the one chosen for WASM here. */
  ortBuild?: OrtBuildName;
  /**
   * Without: fetched by the worker (bytes in JS). With: these files, already copied into OPFS by
   * copyIntoOpfs, given as Files as the model store and a picked folder do (external data then goes
   * to onnxruntime as a Blob).
   */
  opfsFiles?: string[];
}

export interface FullBenchResult {
  label: string;
  numThreads: number;
  loadMs: number;
  /** ms per image inside session.run, and wall ms per image of the whole score() call. */
  byBatch: { batch: number; runMsPerImage: number; wallMsPerImage: number }[];
  error?: { name: string; message: string };
}

/** Copy files from `baseUrl` into OPFS, streamed (never whole in memory). */
async function copyIntoOpfs(baseUrl: string, names: string[]): Promise<void> {
  const root = await navigator.storage.getDirectory();
  for (const name of names) {
    const handle = await root.getFileHandle(name, { create: true });
    const res = await fetch(new URL(name, baseUrl));
    await res.body!.pipeTo(await handle.createWritable());
  }
}

/** Files copied into OPFS earlier, opened as Files (disk-backed, as the model store gives them). */
async function opfsFiles(names: string[]): Promise<File[]> {
  const root = await navigator.storage.getDirectory();
  return Promise.all(names.map(async (n) => (await root.getFileHandle(n)).getFile()));
}

/** The full-size model through the real worker path (bench/full-size). */
async function runFullBench(args: FullBenchArgs): Promise<FullBenchResult> {
  const client = new EngineClient();
  let label = '';
  try {
    const info = await client.init({ backend: 'wasm', numThreads: args.numThreads, ortBuild: args.ortBuild });
    label = `${info.label}, ${info.runtime}`;
    const model = await client.loadScorer(args.opfsFiles
      ? { kind: 'files', folderName: 'bench', files: await opfsFiles(args.opfsFiles) }
      : { kind: 'url', baseUrl: args.modelUrl });
    console.log('bench: model loaded'); // bench/full-size/chromium-run.ts reads the memory at this moment
    const image = new Uint8Array(args.image);
    const byBatch = [];
    for (const batch of args.batches) {
      const files = Array.from({ length: batch }, (_, i) => new File([image], `${i}.png`));
      await client.score({ prompt: 'a photo of a cat', images: files, batchSize: batch });
      let runMs = 0;
      const t0 = performance.now();
      for (let r = 0; r < args.reps; r++) runMs += (await client.score({ prompt: 'a photo of a cat', images: files, batchSize: batch })).timings.runMs;
      const n = args.reps * batch;
      byBatch.push({ batch, runMsPerImage: runMs / n, wallMsPerImage: (performance.now() - t0) / n });
    }
    return { label, numThreads: info.numThreads, loadMs: model.loadMs, byBatch };
  } catch (e) {
    const err = e as Error;
    return { label, numThreads: args.numThreads, loadMs: NaN, byBatch: [], error: { name: err.name, message: err.message } };
  } finally {
    client.terminate();
  }
}

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
(globalThis as { runFullBench?: typeof runFullBench }).runFullBench = runFullBench;
(globalThis as { copyIntoOpfs?: typeof copyIntoOpfs }).copyIntoOpfs = copyIntoOpfs;
(globalThis as { runGenBench?: typeof runGenBench }).runGenBench = runGenBench;
