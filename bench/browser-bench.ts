// Runs inside Chromium (built by bench/run.ts): times the real worker path (comlink client →
// worker → engine) on the built-in model and returns the engine's stage timings.
import { EngineClient } from '../src/lib/worker/client.ts';
import type { BackendPreference } from '../src/lib/engine/backend-choice.ts';
import type { StageTimings } from '../src/lib/engine/scorer.ts';

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

(globalThis as { runBench?: typeof runBench }).runBench = runBench;
