// `npm run bench:memory`: what loading the full-size VP-Score costs in memory, per onnxruntime-web
// build and per way the weights reach it, in one run on this machine. Builds on demand (never
// committed) the random-weight full-size graph, its q8 variant, and both split into the model
// store's layout (a small graph + one external-data file, convert/external-data.ts). Chromium rows
// go through the real worker path; "OPFS" rows copy the folder into OPFS first (not measured) and
// load the Files, as the model store and a picked folder do. Peak memory is the largest sum of RSS
// over Chromium's processes, at the end of the load and over the whole run (load + batch 1 + 8).
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { OrtBuildName } from '../../src/lib/engine/runtime/ort-build.ts';
import { sixImages } from '../../models/test-images.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';
import { fullInChromium } from './chromium-run.ts';
import { ensureFullModel, FULL_DIR } from './vp-full.ts';
import { ensureVariant, nodeRun } from './run-full.ts';
import { serveBenchPage } from '../bench-page.ts';
import { writeExternalCopy } from '../../models/vp-score/external-folder.ts';

const MODELS = resolve(FULL_DIR, '..');
const GiB = 2 ** 30;

/** `<dir>-ext`: the same model as graph + model.onnx_data, with its manifest (as the test models do). */
function ensureSplit(dir: string): string {
  const out = `${dir}-ext`;
  // Made again when its source is newer (a variant rebuilt by a newer converter).
  const stale = !existsSync(join(out, 'preflens.json')) || statSync(join(dir, 'model.onnx')).mtimeMs > statSync(join(out, 'preflens.json')).mtimeMs;
  if (stale) writeExternalCopy(dir, out, `${dir.split('/').pop()}-ext`);
  return out;
}

interface Case { label: string; dir: string; build: OrtBuildName; opfs: boolean; weights: string; threads?: number }

/** A load that neither finishes nor fails in this time is reported as hung (fp32 with 2 threads). */
const HUNG_MS = 8 * 60_000;

async function main() {
  console.log('Building the full-size models on demand…');
  ensureFullModel();
  const q8 = ensureVariant('q8');
  const q8ext = ensureSplit(q8);
  const fp32ext = ensureSplit(FULL_DIR);
  cpSync(MODEL_DIRS.tiny, join(MODELS, 'vp-tiny'), { recursive: true });
  const { url, server } = await serveBenchPage();
  const image = Array.from(sixImages()[0].bytes);
  const cases: Case[] = [
    { label: 'the bench page with the tiny model (Chromium\'s own baseline)', dir: join(MODELS, 'vp-tiny'), build: 'jspi', opfs: false, weights: 'tiny' },
    { label: 'before: one model.onnx fetched into JS', dir: q8, build: 'wasm', opfs: false, weights: 'q8' },
    { label: 'one model.onnx fetched into JS', dir: q8, build: 'jspi', opfs: false, weights: 'q8' },
    { label: 'graph + external data from OPFS, data read as bytes', dir: q8ext, build: 'wasm', opfs: true, weights: 'q8' },
    { label: 'after: graph + external data from OPFS, data as a Blob', dir: q8ext, build: 'jspi', opfs: true, weights: 'q8' },
    { label: 'graph + external data from OPFS, data as a Blob', dir: fp32ext, build: 'jspi', opfs: true, weights: 'fp32' },
    { label: 'graph + external data from OPFS, data as a Blob, 1 thread', dir: fp32ext, build: 'jspi', opfs: true, weights: 'fp32', threads: 1 },
  ];
  const lines: string[] = [];
  try {
    for (const c of cases) {
      console.log(`  ${c.weights}, ${c.build} build: ${c.label}…`);
      const files = c.opfs ? ['preflens.json', 'model.onnx', 'model.onnx_data', 'tokenizer.json'] : undefined;
      const r = await fullInChromium(url, {
        modelUrl: new URL(`/full-models/${c.dir.split('/').pop()}/`, url).href, image, numThreads: c.threads ?? 2,
        batches: c.weights === 'tiny' ? [] : [1, 8], reps: 1, ortBuild: c.build, opfsFiles: files,
      }, HUNG_MS).catch((e: Error) => ({ loadMs: NaN, byBatch: [], peakAtLoadBytes: NaN, peakRssBytes: NaN, error: { name: e.name, message: e.message } }));
      const ms = (b: number) => r.byBatch.find((x) => x.batch === b)?.runMsPerImage.toFixed(0) ?? '—';
      const gib = (b: number) => (Number.isFinite(b) ? `${(b / GiB).toFixed(2)} GiB` : 'n/a');
      const err = r.error ? `${r.error.name}: ${r.error.message.slice(0, 120)}` : '';
      lines.push(`| Chromium worker | ${c.weights} | ${c.build} | ${c.label} | ${Number.isFinite(r.loadMs) ? (r.loadMs / 1000).toFixed(1) : 'n/a'} | ${gib(r.peakAtLoadBytes)} | ${gib(r.peakRssBytes)} | ${ms(1)} | ${ms(8)} | ${err.replace(/\|/g, '/').replace(/\n/g, ' ')} |`);
      console.log(lines.at(-1));
    }
    for (const [runtime, dir, w] of [['ort-web', q8, 'q8'], ['native', q8, 'q8'], ['native', FULL_DIR, 'fp32']] as const) {
      console.log(`  Node ${runtime} ${w}…`);
      const r = nodeRun(runtime, dir, 2);
      const per = (r.perBatch ?? {}) as Record<number, number>;
      const label = runtime === 'native' ? 'onnxruntime-node (native CPU), the reference' : 'PrefLens engine on ort-web WASM, model.onnx read into JS';
      lines.push(`| Node | ${w} | ${runtime === 'native' ? 'onnxruntime-node' : 'node'} | ${label} | ${((r.loadMs as number) / 1000).toFixed(1)} | — | ${((r.peakRssBytes as number) / GiB).toFixed(2)} GiB | ${per[1]?.toFixed(0) ?? '—'} | ${per[8]?.toFixed(0) ?? '—'} | ${String(r.error ?? '')} |`);
      console.log(lines.at(-1));
    }
  } finally {
    await server.close();
  }
  const vnni = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8').includes('avx512_vnni') ? ', AVX-512 VNNI' : ', no AVX-512 VNNI';
    } catch {
      return '';
    }
  })();
  const size = (d: string, f: string) => `${(readFileSync(join(d, f)).byteLength / 1e6).toFixed(0)} MB`;
  console.log([
    '',
    `## Loading the full-size VP-Score: memory per build (${cpus()[0].model}${vnni}, ${cpus().length} cores)`,
    '',
    `\`npm run bench:memory\` (bench/full-size/load-memory.ts). q8 weights ${size(q8, 'model.onnx')} (external data ${size(q8ext, 'model.onnx_data')}),`,
    `fp32 external data ${size(fp32ext, 'model.onnx_data')}. WASM, 2 threads unless the row says 1. ms/image: inside session.run, after one warm-up.`,
    '',
    '| where | weights | build | how the weights arrive | load s | peak at load end | peak, whole run | ms/image b1 | ms/image b8 | error |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...lines,
    '',
  ].join('\n'));
}

await main();
