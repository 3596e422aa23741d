// Generation benchmark, Node side (ort-web WASM, the engine directly) and the report section for
// all paths: seconds per candidate by stage, and memory after 1 run vs after the last run.
import { Engine } from '../src/lib/engine/engine.ts';
import { MODEL_DIRS } from '../models/dirs.ts';
import { dirReader } from '../src/cli/dir-reader.ts';
import type { GenBenchArgs, GenBenchResult } from './browser-bench.ts';
import { addCandidate, newAccumulator, summarize } from './gen-accumulator.ts';

function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

/** `family`: the tiny generator's folder (sd-tiny by default; sd-tiny-taesd has SDXS's layout). */
export async function nodeGenBench(args: Omit<GenBenchArgs, 'backend'>, family = MODEL_DIRS.sdTiny): Promise<GenBenchResult> {
  const engine = new Engine();
  const info = await engine.init({ backend: 'wasm' });
  await engine.loadScorer({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) });
  const gen = await engine.loadGenerator({ kind: 'reader', origin: family.split('/').pop()!, read: dirReader(family) });
  const prompt = 'three apples on a wooden table';
  await engine.generate({ prompt, n: 1, seed: 1, steps: args.steps });
  const acc = newAccumulator();
  let memoryAfter1 = 0;
  let wall = 0;
  for (let r = 0; r < args.runs; r++) {
    const t0 = performance.now();
    const report = await engine.generate({ prompt, n: args.n, seed: 1000 + r * args.n, steps: args.steps }, (e) => {
      if (e.kind === 'prompt') acc.textMs += e.textEncodeMs;
    });
    wall += performance.now() - t0; // the GC before reading RSS is not timed
    for (const c of report.candidates) addCandidate(acc, c.timings);
    if (r === 0) memoryAfter1 = rss();
  }
  const result = { label: info.label, numThreads: info.numThreads, variant: gen.variant, loadMs: gen.loadMs, ...summarize(acc, wall), memoryAfter1, memoryAfterLast: rss() };
  await engine.dispose();
  return result;
}

export function generationReport(rows: { path: string; r: GenBenchResult }[], args: Omit<GenBenchArgs, 'backend'>): string[] {
  const ref = rows.find((x) => x.path === 'Chromium, WASM')?.r.wallMsPerCandidate ?? NaN;
  const mb = (b?: number) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(1)} MB`);
  const growth = (r: GenBenchResult) =>
    r.memoryAfter1 && r.memoryAfterLast ? `${(100 * (r.memoryAfterLast / r.memoryAfter1 - 1)).toFixed(1)}%` : 'n/a';
  return [
    `## Generate and rank: tiny SD-Turbo-layout family (\`sd-tiny\`, 64×64) + \`vp-tiny\`, N=${args.n}, ${args.steps} steps, ${args.runs} runs`,
    '',
    'Milliseconds per candidate by stage (text encode is once per prompt, spread over its N candidates),',
    'after one warm-up run; "vs Chromium WASM" compares wall time per candidate. Memory: Chromium',
    '`performance.measureUserAgentSpecificMemory()` (page + worker, cross-origin isolated), Node RSS',
    `after a GC; "growth" is after run ${args.runs} vs after run 1.`,
    '',
    '| path | backend | variant | text encode | UNet step | VAE | score | PNG | wall / candidate | vs Chromium WASM | memory after 1 | after last | growth |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(({ path, r }) =>
      `| ${path} | ${r.label} | ${r.variant} | ${r.textMs.toFixed(2)} | ${r.unetStepMs.toFixed(2)} | ${r.vaeMs.toFixed(2)} | ` +
      `${r.scoreMs.toFixed(2)} | ${r.pngMs.toFixed(2)} | ${r.wallMsPerCandidate.toFixed(1)} | ${(r.wallMsPerCandidate / ref).toFixed(2)}× | ` +
      `${mb(r.memoryAfter1)} | ${mb(r.memoryAfterLast)} | ${growth(r)} |`,
    ),
    '',
  ];
}
