// Command line: the same engine as the browser, on ort-web's WASM backend in Node (or onnxruntime-node with --runtime native).
//   preflens score --model DIR --prompt "…" [--batch 1] IMAGE…
//   preflens convert --model DIR --to fp16,q8,q4 --out DIR [--check IMAGE…]   (see convert.ts)
//   preflens import --checkpoint FILE --vocab FILE --out DIR [--to …]          (see import.ts)
// Prints JSON: {model, variant, backend, runtime, prompt, results: [{file, reward, score, rank} | {file, error}]}.
import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../lib/engine/engine.ts';
import { ImageFileError } from '../lib/engine/errors.ts';
import type { ImageInput } from '../lib/engine/score/score-report.ts';
import { dirReader } from './dir-reader.ts';
import { VP_DTYPES, type VpDtype } from '../lib/engine/kinds/vp-score/manifest.ts';
import { CONVERT_USAGE, convertCommand } from './convert.ts';
import { IMPORT_USAGE, importCommand } from './import.ts';
import { fsReason } from './fs-reason.ts';
import { parseRuntime } from './runtime-option.ts';
import { wholeOption } from './whole-option.ts';
import type { Sink } from './sink.ts';

const USAGE = 'usage: preflens score --model DIR --prompt "text" [--variant fp32|fp16|q8|q4|q4f16] [--runtime wasm|native] [--batch N] [--threads N] IMAGE...';


export async function main(argv: string[], out: Sink = process.stdout, err: Sink = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'convert') return convertCommand(rest, out, err);
  if (command === 'import') return importCommand(rest, out, err);
  if (command === '--help' || command === '-h' || command === 'help') {
    out.write(`${USAGE}\n${CONVERT_USAGE}\n${IMPORT_USAGE}\n`);
    return 0;
  }
  if (command !== 'score') {
    err.write(`${command === undefined ? '' : `unknown command "${command}"\n`}${USAGE}\n${CONVERT_USAGE}\n${IMPORT_USAGE}\n`);
    return 2;
  }
  let args;
  try {
    args = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        prompt: { type: 'string' },
        batch: { type: 'string' },
        threads: { type: 'string' },
        variant: { type: 'string' },
        runtime: { type: 'string', default: 'wasm' },
      },
    });
  } catch (e) {
    err.write(`${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { model, prompt, variant } = args.values;
  const runtime = parseRuntime(args.values.runtime!);
  const threads = wholeOption('threads', args.values.threads);
  const batch = wholeOption('batch', args.values.batch);
  if ('error' in runtime || 'error' in threads || 'error' in batch) {
    const problem = [runtime, threads, batch].map((o) => ('error' in o ? o.error : '')).find(Boolean);
    err.write(`${problem}\n${USAGE}\n`);
    return 2;
  }
  if (variant !== undefined && !(VP_DTYPES as readonly string[]).includes(variant)) {
    err.write(`--variant must be one of ${VP_DTYPES.join(', ')}, got "${variant}"\n${USAGE}\n`);
    return 2;
  }
  if (!model || prompt === undefined || args.positionals.length === 0) {
    err.write(`${USAGE}\n`);
    return 2;
  }
  try {
    const engine = new Engine();
    const info = await engine.init({ backend: 'wasm', native: runtime.runtime === 'native', numThreads: threads.value });
    const dir = resolve(model);
    // Without --variant the folder's variant for WASM is chosen (q8 when it has one), and reported.
    const loaded = await engine.loadScorer({ kind: 'reader', origin: dir, read: dirReader(dir) }, { dtype: variant as VpDtype | undefined });
    const images = await Promise.all(args.positionals.map(fileInput));
    const report = await engine.score({ prompt, images, batchSize: batch.value });
    const results = report.results.map((r, i) =>
      r.error
        ? { file: args.positionals[i], error: r.error }
        : { file: args.positionals[i], reward: r.reward, score: r.score, rank: report.ranks[i] },
    );
    out.write(
      `${JSON.stringify(
        { model: loaded.id, variant: loaded.dtype, backend: info.ep, runtime: info.runtime, prompt, truncated: report.prompt.truncated, results },
        null,
        2,
      )}\n`,
    );
    await engine.dispose();
    return results.some((r) => 'error' in r) ? 1 : 0;
  } catch (e) {
    err.write(`preflens: ${(e as Error).name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/**
 * A file on disk as the engine's ImageInput, read lazily (the size is checked before reading). A path
 * that cannot be read becomes an input that fails on its own row, so the other images are scored.
 */
async function fileInput(path: string): Promise<ImageInput> {
  const name = basename(path);
  const unreadable = (why: string): ImageInput => ({ name, size: 0, arrayBuffer: () => Promise.reject(new ImageFileError(`${path}: ${why}`)) });
  try {
    if (!(await stat(path)).isFile()) return unreadable('is a folder, not an image file');
    const blob = await openAsBlob(path);
    return { name, size: blob.size, arrayBuffer: () => blob.arrayBuffer() };
  } catch (e) {
    return unreadable(fsReason(e));
  }
}
