// `npm run bench:families`: generation on WASM per tiny family shape — sd-tiny (SD-Turbo's export
// layout, SD VAE contract) and sd-tiny-taesd (SDXS's layout, TAESD contract, 48-wide text encoder)
// — milliseconds per candidate by stage and memory after 1 run vs after the last, in Node on the
// engine (ort-web WASM), in one run. Replaces only its section of BENCHMARKS.md.
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { MODEL_DIRS } from '../models/dirs.ts';
import { nodeGenBench } from './generate-bench.ts';
import { spliceSection } from './splice-section.ts';

const RUN = { n: 8, steps: 1, runs: 10 };
const HEADING = '## Generate on WASM per family shape (tiny families, Node)';
const mb = (b = NaN) => `${(b / 1024 / 1024).toFixed(1)} MB`;

const FAMILIES = [['sd-tiny (SD-Turbo layout, SD VAE)', MODEL_DIRS.sdTiny], ['sd-tiny-taesd (SDXS layout, TAESD)', MODEL_DIRS.sdTinyTaesd]] as const;
// One untimed pass over every family first: the process's first engine ran 2× slower per candidate
// in wall time (measured either order), which would otherwise be charged to whichever goes first.
for (const [, dir] of FAMILIES) await nodeGenBench({ ...RUN, runs: 1 }, dir);
const rows: string[] = [];
for (const [name, dir] of FAMILIES) {
  console.log(`${name}…`);
  const r = await nodeGenBench(RUN, dir);
  rows.push(`| ${name} | ${r.variant} | ${r.textMs.toFixed(2)} | ${r.unetStepMs.toFixed(2)} | ${r.vaeMs.toFixed(2)} | ${r.scoreMs.toFixed(2)} | ` +
    `${r.pngMs.toFixed(2)} | ${r.wallMsPerCandidate.toFixed(1)} | ${mb(r.memoryAfter1)} | ${mb(r.memoryAfterLast)} | ` +
    `${(100 * ((r.memoryAfterLast ?? NaN) / (r.memoryAfter1 ?? NaN) - 1)).toFixed(1)}% |`);
}
const lines = [
  HEADING,
  '',
  `Made by \`npm run bench:families\` (bench/family-gen-bench.ts) on ${cpus()[0].model}, ${cpus().length} cores: N=${RUN.n}, ${RUN.steps} step,`,
  `${RUN.runs} runs after one warm-up, the engine on ort-web WASM in Node (2 threads), scored by vp-tiny. Milliseconds per`,
  'candidate by stage; memory is the process RSS after a GC, after run 1 and after the last.',
  '',
  '| family | variant | text encode | UNet step | decoder | score | PNG | wall / candidate | memory after 1 | after last | growth |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows,
  '',
];
spliceSection(resolve(import.meta.dirname, '..', 'BENCHMARKS.md'), lines, ['## Evaluation', '## VP-Score at full size']);
console.log(lines.join('\n'));
