// `preflens convert --model DIR --to fp16,q8,q4,q4f16 [--out DIR] [--check IMAGE...] [--json]`
// With --out, writes one folder per variant (OUT/<id>-<variant>/: graph + its _data file, tokenizer
// copy, preflens.json); without it, adds model.<variant>.onnx + model.<variant>.onnx_data to DIR and lists it under `variants` in
// DIR/preflens.json (one folder to host for every backend). Prints, per variant, its size (graph + data), the ratio to float32, and its agreement with float32 on a check set
// (the given images, or synthetic ones) × fixed prompts: Spearman ρ and max |Δscore|, scored on
// --runtime (WASM by default; native where float32 is too big for WASM).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { MANIFEST_FILE } from '../lib/engine/model-files/manifest-file.ts';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CHECK_PROMPTS, compareOnCheckSet, scoreCheckSet, syntheticImages } from '../lib/engine/kinds/vp-score/import/check-set.ts';
import { isVariant, VARIANTS, type Variant } from '../lib/engine/convert/convert-model.ts';
import { addVariant, convertFolder, type VariantFolder } from '../lib/engine/kinds/vp-score/import/variant-folder.ts';
import { OutOfMemoryError } from '../lib/engine/errors.ts';
import { externalBytes } from '../lib/engine/runtime/ort-session.ts';
import { withData } from '../lib/engine/model-files/file-entry.ts';
import { manifestText, modelFileOf, type VpScoreManifest } from '../lib/engine/kinds/vp-score/manifest.ts';
import { Engine } from '../lib/engine/engine.ts';
import { dirReader } from './dir-reader.ts';
import { decodeImage } from '../lib/engine/image/decode.ts';
import { readVpScoreFolder } from '../lib/engine/kinds/vp-score/folder.ts';
import { parseRuntime } from './runtime-option.ts';
import { wholeOption } from './whole-option.ts';
import { outFolderProblem } from './out-folder.ts';
import type { Sink } from './sink.ts';

export const CONVERT_USAGE = 'usage: preflens convert --model DIR --to fp16,q8,q4,q4f16 [--out DIR] [--runtime wasm|native] [--threads N] [--json] [--check IMAGE...]';

export async function convertCommand(argv: string[], out: Sink, err: Sink): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        model: { type: 'string' },
        to: { type: 'string', default: VARIANTS.join(',') },
        out: { type: 'string' },
        check: { type: 'string', multiple: true },
        threads: { type: 'string' },
        runtime: { type: 'string', default: 'wasm' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    err.write(`${(e as Error).message}\n${CONVERT_USAGE}\n`);
    return 2;
  }
  const { model, to, out: outDir, json } = args.values;
  // `--check a.png b.png` puts b.png in the positionals; both forms are accepted.
  const checkFiles = [...(args.values.check ?? []), ...args.positionals];
  const variants = to!.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = variants.filter((v) => !isVariant(v));
  const runtime = parseRuntime(args.values.runtime!);
  const threads = wholeOption('threads', args.values.threads);
  if ('error' in runtime || 'error' in threads) {
    err.write(`${'error' in runtime ? runtime.error : 'error' in threads ? threads.error : ''}\n${CONVERT_USAGE}\n`);
    return 2;
  }
  const outProblem = outDir && outFolderProblem(outDir);
  if (outProblem) {
    err.write(`${outProblem}\n${CONVERT_USAGE}\n`);
    return 2;
  }
  if (!model || !variants.length || unknown.length) {
    err.write(`${unknown.length ? `unknown variant ${unknown.join(', ')} (known: ${VARIANTS.join(', ')})\n` : ''}${CONVERT_USAGE}\n`);
    return 2;
  }
  try {
    const engine = new Engine();
    await engine.init({ backend: 'wasm', native: runtime.runtime === 'native', numThreads: threads.value });
    const dir = resolve(model);
    const read = dirReader(dir);
    const ref = await readVpScoreFolder(read, dir);
    const tokenizerBytes = await read(ref.manifest.files.tokenizer);
    // The source's size: a split folder's graph and its data file.
    const refBytes = ref.modelBytes.byteLength + externalBytes(ref.externalData ?? []);
    const images = checkFiles.length
      ? await Promise.all(checkFiles.map(async (f) => decodeImage(new Uint8Array(await readFile(f)), basename(f))))
      : syntheticImages();
    // Convert and write everything first: a graph the converter refuses is reported as such, and
    // the variants exist even when the float32 reference cannot be scored afterwards.
    const written: { v: VariantFolder; target: string }[] = [];
    let manifest = ref.manifest;
    for (const variant of variants as Variant[]) {
      const v = await convertFolder({ ...ref, tokenizerBytes }, variant, outDir ? undefined : modelFileOf(variant));
      let target: string;
      if (outDir) {
        target = join(resolve(outDir), v.manifest.id);
        await mkdir(target, { recursive: true });
        for (const [name, bytes] of Object.entries(v.files)) await writeFile(join(target, name), bytes);
      } else {
        ({ manifest, target } = await writeVariantInPlace(dir, manifest, v));
      }
      written.push({ v, target });
    }
    // At full size float32 (1.7 GB of weights) does not fit 32-bit WASM: then the agreement check is
    // skipped, saying so, rather than failing a conversion that has already succeeded.
    let refScores: number[][] | null = null;
    let skipped = '';
    try {
      refScores = await scoreCheckSet(ref, 'wasm', CHECK_PROMPTS, images);
    } catch (e) {
      if (!(e instanceof OutOfMemoryError)) throw e;
      skipped = `agreement not checked: the float32 reference does not fit in WASM memory here; --runtime native checks it where onnxruntime-node is installed (${e.message})`;
      err.write(`preflens: ${skipped}\n`);
    }
    const rows = [];
    for (const { v, target } of written) {
      const { variant } = v;
      const bytes = withData(v.entry).reduce((n, f) => n + f.bytes!, 0);
      if (!refScores) {
        const row = { variant, id: v.manifest.id, dir: target, bytes, ratio: bytes / refBytes };
        rows.push(row);
        if (!json) out.write(`${variant.padEnd(5)} ${String(row.bytes).padStart(10)} bytes  ${row.ratio.toFixed(3)}× fp32  → ${target}\n`);
        continue;
      }
      const a = await compareOnCheckSet(ref, { ...ref, manifest: v.manifest, ...v.loadable }, 'wasm', CHECK_PROMPTS, images, refScores);
      const row = {
        variant, id: v.manifest.id, dir: target, bytes,
        ratio: bytes / refBytes, rho: a.rho, minPromptRho: a.minPromptRho, maxAbsDiff: a.maxAbsDiff,
      };
      rows.push(row);
      if (!json) {
        out.write(`${variant.padEnd(5)} ${String(row.bytes).padStart(10)} bytes  ${row.ratio.toFixed(3)}× fp32  ` +
          `ρ ${row.rho.toFixed(4)} (worst prompt ${row.minPromptRho.toFixed(4)})  max |Δscore| ${row.maxAbsDiff.toFixed(4)}  → ${target}\n`);
      }
    }
    const checkSet = { images: checkFiles.length ? checkFiles : `${images.length} synthetic`, prompts: CHECK_PROMPTS };
    if (json) {
      const report = { model: ref.manifest.id, bytes: refBytes, checkSet, ...(skipped ? { checkSkipped: skipped } : {}), variants: rows };
      out.write(`${JSON.stringify(report, null, 2)}\n`);
    }
    await engine.dispose();
    return 0;
  } catch (e) {
    err.write(`preflens: ${(e as Error).name}: ${(e as Error).message}\n`);
    return 1;
  }
}

/** Add a converted variant to the folder `dir` (its graph and data file + its entry in preflens.json). */
export async function writeVariantInPlace(dir: string, manifest: VpScoreManifest, v: VariantFolder): Promise<{ manifest: VpScoreManifest; target: string }> {
  const next = addVariant(manifest, v);
  for (const f of withData(v.entry)) await writeFile(join(dir, f.file), v.files[f.file]);
  await writeFile(join(dir, MANIFEST_FILE), manifestText(next));
  return { manifest: next, target: join(dir, v.entry.file) };
}
