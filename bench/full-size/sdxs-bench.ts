// `npm run bench:sdxs`: generation on WASM at SDXS-512's real dimensions (sdxs-family.ts: random
// weights, q8 as SDXS's export ships it, 512² pictures): seconds per candidate by stage and memory
// after run 1 vs after the last, in Node on the engine (ort-web WASM). Replaces only its section of
// BENCHMARKS.md.
import { cpus } from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeGenBench } from '../generate-bench.ts';
import { spliceSection } from '../splice-section.ts';
import { ensureSdxsDims, SDXS_FP32_DIR } from './sdxs-family.ts';

const RUN = { n: 1, steps: 1, runs: 10 };
const HEADING = '## Generate on WASM at SDXS-512\'s dimensions (random weights, Node)';
const mb = (b = NaN) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const s = (ms: number) => (ms / 1000).toFixed(2);

const { dir } = ensureSdxsDims();
const m = JSON.parse(readFileSync(join(dir, 'preflens.json'), 'utf8'));
const files = Object.values(m.variants.q8 as Record<string, { file: string }>).map((f) => f.file);
const bytes = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const params = JSON.parse(readFileSync(join(SDXS_FP32_DIR, 'params.json'), 'utf8')) as Record<string, number>;
const M = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} M`;
const flags = ['avx512_vnni', 'avx512f', 'avx2'].filter((f) => readFileSync('/proc/cpuinfo', 'utf8').includes(` ${f}`));
console.log(`sdxs-dims: ${files.join(', ')} = ${mb(bytes)}; running ${RUN.runs} runs…`);
const r = await nodeGenBench(RUN, dir);
const lines = [
  HEADING,
  '',
  `Made by \`npm run bench:sdxs\` (bench/full-size/sdxs-bench.ts) on ${cpus()[0].model} (${flags.join(', ')}), ${cpus().length} cores:`,
  `a family of SDXS-512 0.9's real dimensions with random weights (bench/full-size/sdxs_dims.py: text encoder ${M(params.text_encoder)},`,
  `UNet ${M(params.unet)}, TAESD decoder ${M(params.vae_decoder)} parameters; text encoder and UNet int8 by PrefLens's q8 pass — their files come out`,
  `within 0.1% of the published int8 export's sizes), ${mb(bytes)} of graphs. N=${RUN.n}, ${RUN.steps} step, ${RUN.runs} runs after one warm-up,`,
  `the engine on ort-web WASM in Node (${r.numThreads} threads), scored by vp-tiny. Seconds per candidate by stage (the text encoder`,
  'runs once per prompt, so once per candidate at N=1); memory is the process RSS after a GC, after run 1 and after the last.',
  '',
  '| family | variant | load | text encode | UNet step | decoder | score | PNG | wall / candidate | memory after 1 | after last | growth |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|',
  `| sdxs-dims (512²) | ${r.variant} | ${s(r.loadMs)} s | ${s(r.textMs)} s | ${s(r.unetStepMs)} s | ${s(r.vaeMs)} s | ${s(r.scoreMs)} s | ` +
    `${s(r.pngMs)} s | ${s(r.wallMsPerCandidate)} s | ${mb(r.memoryAfter1)} | ${mb(r.memoryAfterLast)} | ` +
    `${(100 * ((r.memoryAfterLast ?? NaN) / (r.memoryAfter1 ?? NaN) - 1)).toFixed(1)}% |`,
  '',
];
spliceSection(resolve(import.meta.dirname, '../..', 'BENCHMARKS.md'), lines, ['## Evaluation', '## VP-Score at full size']);
console.log(lines.join('\n'));
