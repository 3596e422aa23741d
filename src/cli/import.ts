// `preflens import --checkpoint FILE --vocab FILE --out DIR [--to q8,q4f16,…] [--id ID] [--name NAME]
//   [--mean M --std S] [--vision-heads N --text-heads N]`
// An ImageReward-format checkpoint (.pt or .safetensors) → a model folder that the app and
// `preflens score` load, made without Python; `--to` adds the smaller variants to the folder.
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HEADS } from '../lib/engine/kinds/vp-score/import/image-reward-layout.ts';
import { importCheckpoint } from '../lib/engine/kinds/vp-score/import/import-folder.ts';
import { dataFileOf } from '../lib/engine/convert/external-data.ts';
import { isVariant, VARIANTS, type Variant } from '../lib/engine/convert/convert-model.ts';
import { modelFileOf, type VpDtype } from '../lib/engine/kinds/vp-score/manifest.ts';
import { fileSource } from './file-source.ts';
import { folderSink } from './folder-sink.ts';
import type { Sink } from './sink.ts';
import { fsReason } from './fs-reason.ts';
import { outFolderProblem } from './out-folder.ts';

export const IMPORT_USAGE = 'usage: preflens import --checkpoint FILE --vocab FILE --out DIR [--to q8,q4,q4f16,fp16] ' +
  '[--id ID] [--name NAME] [--mean M --std S] [--vision-heads N --text-heads N]';

export async function importCommand(argv: string[], out: Sink, err: Sink): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        checkpoint: { type: 'string' }, vocab: { type: 'string' }, out: { type: 'string' }, to: { type: 'string', default: '' },
        id: { type: 'string' }, name: { type: 'string' }, mean: { type: 'string' }, std: { type: 'string' },
        'vision-heads': { type: 'string' }, 'text-heads': { type: 'string' },
      },
    }));
  } catch (e) {
    err.write(`${(e as Error).message}\n${IMPORT_USAGE}\n`);
    return 2;
  }
  const problems: string[] = [];
  const variants = values.to.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = variants.filter((v) => !isVariant(v));
  if (unknown.length) problems.push(`unknown variant ${unknown.join(', ')} (known: ${VARIANTS.join(', ')})`);
  const num = (flag: string, raw: string | undefined, ok: (v: number) => boolean, what: string) => {
    if (raw === undefined) return undefined;
    const v = Number(raw);
    if (raw.trim() === '' || !ok(v)) problems.push(`--${flag} must be ${what}, got "${raw}"`);
    return v;
  };
  const positiveInt = (v: number) => Number.isInteger(v) && v > 0;
  const mean = num('mean', values.mean, Number.isFinite, 'a number');
  const std = num('std', values.std, (v) => Number.isFinite(v) && v > 0, 'a positive number');
  const vision = num('vision-heads', values['vision-heads'], positiveInt, 'a whole number above 0');
  const text = num('text-heads', values['text-heads'], positiveInt, 'a whole number above 0');
  if (!values.checkpoint || !values.vocab || !values.out) problems.push('--checkpoint, --vocab and --out are required');
  const outProblem = values.out && outFolderProblem(values.out);
  if (outProblem) problems.push(outProblem);
  if (problems.length) {
    err.write(`${problems.join('\n')}\n${IMPORT_USAGE}\n`);
    return 2;
  }
  const checkpoint = (() => { try { return fileSource(values.checkpoint!); } catch (e) { return e as Error; } })();
  if (checkpoint instanceof Error) {
    err.write(`preflens: ${values.checkpoint}: ${fsReason(checkpoint)}\n`);
    return 1;
  }
  const dir = resolve(values.out!);
  const sink = folderSink(dir);
  try {
    const t0 = performance.now();
    const dtypes: VpDtype[] = ['fp32', ...(variants as Variant[])];
    const folder = await importCheckpoint(checkpoint, { text: await readFile(values.vocab!, 'utf8'), name: basename(values.vocab!) }, sink,
      { id: values.id, name: values.name, mean, std, heads: { vision: vision ?? DEFAULT_HEADS.vision, text: text ?? DEFAULT_HEADS.text }, dtypes });
    for (const d of dtypes) {
      const file = modelFileOf(d);
      const bytes = folder.written[file] + folder.written[dataFileOf(file)];
      out.write(`${d.padEnd(5)} ${String(bytes).padStart(10)} bytes  → ${join(dir, file)} + ${dataFileOf(file)}\n`);
    }
    out.write(`${(performance.now() - t0).toFixed(0)} ms; dropped ${folder.dropped.length} keys unused by score(): ${folder.dropped.join(', ')}\n`);
    return 0;
  } catch (e) {
    sink.discard();
    err.write(`preflens: ${(e as Error).name}: ${(e as Error).message}\n`);
    return 1;
  } finally {
    checkpoint.close();
  }
}
