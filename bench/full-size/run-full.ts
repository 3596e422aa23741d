// The full-size part of `npm run bench`: builds the 446M-parameter VP-Score graph (random weights)
// and its q8/q4 variants on demand in .bench/models, then measures, in one run, per-image scoring
// time at batch 1 and 8, model load time and peak memory on: onnxruntime-node (native CPU EP, the
// reference), ort-web WASM in Node (PrefLens's engine), and Chromium WASM with 1 and 2 threads
// (the real worker path). Returns the BENCHMARKS.md section.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Connect } from 'vite';
import { convertModel } from '../../src/lib/engine/convert/convert-model.ts';
import type { FullBenchArgs } from '../browser-bench.ts';
import { fullInChromium } from './chromium-run.ts';
import { ensureFullModel, FULL_DIR } from './vp-full.ts';

const MODELS = resolve(FULL_DIR, '..');
const BATCHES = [1, 8];

/** Serves .bench/models at /full-models/ from the bench's preview server (same origin, COEP-safe). */
export function fullModelsMiddleware(): Connect.NextHandleFunction {
  return (req, res, next) => {
    const m = /^\/full-models\/([\w.-]+)\/([\w.-]+)$/.exec(req.url ?? '');
    if (!m) return next();
    const file = join(MODELS, m[1], m[2]);
    if (!existsSync(file)) return next();
    res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('Content-Length', statSync(file).size);
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    createReadStream(file).pipe(res);
  };
}

/** Bumped when the converter's output changes (2: q8 MatMulInteger weights as uint8), so cached variants are rebuilt. */
const BUILD_STAMP = 2;

export function ensureVariant(name: 'q8' | 'q4'): string {
  const dir = join(MODELS, `vp-full-${name}`);
  // Built by this code version only (a q8 folder from before uint8 weights is made again).
  const stamp = join(dir, `built-by-${BUILD_STAMP}`);
  if (existsSync(join(dir, 'preflens.json')) && existsSync(stamp)) return dir;
  const t0 = performance.now();
  const bytes = convertModel(new Uint8Array(readFileSync(join(FULL_DIR, 'model.onnx'))), name, 'vp-full');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(join(dir, 'tokenizer.json'), readFileSync(join(FULL_DIR, 'tokenizer.json')));
  const manifest = JSON.parse(readFileSync(join(FULL_DIR, 'preflens.json'), 'utf8'));
  manifest.id = `${manifest.id}-${name}`;
  manifest.sizes.modelBytes = bytes.byteLength;
  writeFileSync(join(dir, 'preflens.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(stamp, '');
  console.log(`  ${name}: ${(bytes.byteLength / 1e6).toFixed(0)} MB in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return dir;
}

interface Row {
  path: string;
  variant: string;
  threads: number;
  loadMs: number;
  msPerImage: Record<number, number>;
  peakRssBytes: number;
  error?: string;
}

export function nodeRun(runtime: 'native' | 'ort-web', dir: string, threads: number): Record<string, unknown> {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'node-run.ts'), runtime, dir, String(threads), BATCHES.join(',')], {
      encoding: 'utf8',
      env: { ...process.env, FULL_REPS: '1' },
      maxBuffer: 1 << 24,
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    const err = String((e as { stderr?: string }).stderr ?? e).match(/(\w+Error): ([^\n]+)/);
    return { error: err ? `${err[1]}: ${err[2]}` : String(e).slice(0, 200), peakRssBytes: NaN, loadMs: NaN, perBatch: {} };
  }
}

export async function fullSizeSection(benchPageUrl: string, image: Uint8Array): Promise<string[]> {
  console.log('Full-size VP-Score: building on demand…');
  const { params } = ensureFullModel();
  const dirs = { fp32: FULL_DIR, q8: ensureVariant('q8'), q4: ensureVariant('q4') };
  const rows: Row[] = [];
  const add = (path: string, variant: string, threads: number, r: Record<string, unknown>) =>
    rows.push({ path, variant, threads, loadMs: r.loadMs as number, msPerImage: (r.perBatch ?? {}) as Record<number, number>,
      peakRssBytes: r.peakRssBytes as number, error: r.error as string | undefined });
  for (const v of ['fp32', 'q8'] as const) {
    console.log(`  onnxruntime-node ${v}…`);
    add('onnxruntime-node (native CPU)', v, 2, nodeRun('native', dirs[v], 2));
  }
  for (const v of ['fp32', 'q8', 'q4'] as const) {
    console.log(`  ort-web WASM in Node ${v}…`);
    add('ort-web WASM, Node', v, 2, nodeRun('ort-web', dirs[v], 2));
  }
  for (const [v, threads] of [['fp32', 2], ['q8', 1], ['q8', 2], ['q4', 2]] as const) {
    console.log(`  Chromium WASM ${v}, ${threads} thread(s)…`);
    const args: FullBenchArgs = { modelUrl: new URL(`/full-models/vp-full-${v}/`, benchPageUrl).href, image: Array.from(image), numThreads: threads, batches: BATCHES, reps: 1 };
    const r = await fullInChromium(benchPageUrl, args);
    rows.push({ path: 'Chromium WASM (PrefLens worker)', variant: v, threads, loadMs: r.loadMs, peakRssBytes: r.peakRssBytes,
      msPerImage: Object.fromEntries(r.byBatch.map((b) => [b.batch, b.runMsPerImage])), error: r.error && `${r.error.name}: ${r.error.message}` });
  }
  return report(rows, params, dirs);
}

function report(rows: Row[], params: number, dirs: Record<string, string>): string[] {
  const ref = rows.find((r) => r.path.startsWith('onnxruntime-node') && r.variant === 'fp32');
  const mb = (b: number) => (Number.isFinite(b) ? `${(b / 2 ** 30).toFixed(2)} GiB` : 'n/a');
  const size = (v: string) => `${(statSync(join(dirs[v], 'model.onnx')).size / 1e6).toFixed(0)} MB`;
  const cell = (r: Row, b: number) => {
    const ms = r.msPerImage[b];
    if (!Number.isFinite(ms)) return 'n/a';
    const ratio = ref?.msPerImage[b] ? ` (${(ms / ref.msPerImage[b]).toFixed(2)}×)` : '';
    return `${ms.toFixed(0)}${ratio}`;
  };
  return [
    '',
    `## VP-Score at full size (${params.toLocaleString('en-US')} parameters, random weights)`,
    '',
    'Made by `npm run bench` (bench/full-size/): the graph has ImageReward\'s real dimensions and is',
    'built on demand into `.bench/models` (never committed) with q8 (MatMulInteger) and q4',
    '(MatMulNBits, block 32) variants from PrefLens\'s converter. ms/image is time inside',
    '`session.run` per image (decode and preprocessing excluded) after one warm-up call; the ratio is',
    'to onnxruntime-node fp32 at the same batch size. Peak memory: the process\'s max RSS (Node), the',
    'largest sum of RSS over Chromium\'s processes (browser). All rows in one run on this machine.',
    '',
    `Sizes: fp32 ${size('fp32')}, q8 ${size('q8')}, q4 ${size('q4')}.`,
    '',
    '| path | variant | threads | load ms | ms/image, batch 1 | ms/image, batch 8 | peak memory | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.path} | ${r.variant} | ${r.threads} | ${Number.isFinite(r.loadMs) ? r.loadMs.toFixed(0) : 'n/a'} | ` +
      `${cell(r, 1)} | ${cell(r, 8)} | ${mb(r.peakRssBytes)} | ${r.error ? r.error.slice(0, 160).replace(/\|/g, '/') : ''} |`),
    '',
  ];
}
