// An ImageReward-format checkpoint + bert-base-uncased's vocab.txt → a VP-Score model folder
// (per dtype asked for a graph and its weights in `<graph>_data`, tokenizer.json, preflens.json)
// with the Python exporter's graph and manifest, made in TypeScript, streamed: the float32 graph's
// weights are read from the checkpoint one at a time as a converter pass or the writer needs them,
// big converted tensors wait in a scratch file, and each variant's files are written piece by piece
// (model-writer.ts). The weights sit in their own file (model.onnx_data), the layout onnxruntime
// loads without a protobuf of the whole model (runtime/ort-session.ts). Memory
// holds the graph's structure and about one weight, never a model: what lets the browser import
// the 1.8 GB ImageReward checkpoint. The same code writes `preflens import`'s folders in Node.
import { manifestText, modelFileOf, validateVpManifest, VP_IMAGE_SIZE, VP_MAX_LENGTH, type VpDtype, type VpScoreManifest } from '../manifest.ts';
import { MANIFEST_FILE } from '../../../model-files/manifest-file.ts';
import type { FileEntry } from '../../../model-files/file-entry.ts';
import { CancelledError, CheckpointError, RequestError } from '../../../errors.ts';
import { convertPassSteps } from '../../../convert/convert-model.ts';
import { dataFileOf } from '../../../convert/external-data.ts';
import { streamedSplitModel, type StreamedFile } from '../../../convert/model-writer.ts';
import { numel } from '../../../runtime/onnx-io.ts';
import type { Scratch } from '../../../store/scratch.ts';
import { runStepsCancellable } from '../../../convert/steps.ts';
import { StreamedTensors } from '../../../convert/streamed-tensors.ts';
import { buildVpModel, type VpGraphSpec } from '../graph/vp-score-graph.ts';
import { blipTokenizerJson, readBertVocab } from '../../../text/blip-tokenizer-json.ts';
import type { ByteSource } from '../../../store/byte-source.ts';
import { imageRewardWeights } from './checkpoint-weights.ts';
import { IMAGEREWARD_MEAN, IMAGEREWARD_STD } from './image-reward-norm.ts';
import { DEFAULT_HEADS, loadImageReward } from './image-reward-layout.ts';
import { ImportMeter, importPasses, type ImportProgress } from './import-progress.ts';
import { openCheckpoint } from '../../../checkpoint/open-checkpoint.ts';


/** Where an import writes: whole files (hashed as they are written) and scratch space for one variant. */
export interface ImportSink {
  /** Writes `name` from the file's pieces; returns its sha256 (hex). */
  write(name: string, file: StreamedFile): Promise<string>;
  scratch(): Promise<Scratch>;
}

export type { ImportProgress };

export interface ImportOptions {
  id?: string;
  name?: string;
  mean?: number;
  std?: number;
  heads?: { vision: number; text: number };
  /** The dtypes to write; the first is the folder's model, the others its variants (default fp32). */
  dtypes?: VpDtype[];
  /** One bar over every pass (import-progress.ts). */
  onProgress?: (p: ImportProgress) => void;
  /** Checked between the weights a converter pass converts and between written pieces. */
  signal?: AbortSignal;
  /** Converted tensors at least this big wait in the scratch file (default MIN_SPILL_BYTES; tests go lower). */
  minSpillBytes?: number;
}

export interface ImportedFolder {
  manifest: VpScoreManifest;
  /** Names left out as unused by score(). */
  dropped: string[];
  /** File name → byte length, as written. */
  written: Record<string, number>;
}

const CANCELLED = 'Import cancelled';

export async function importCheckpoint(checkpoint: ByteSource, vocabFile: { text: string; name: string }, sink: ImportSink, o: ImportOptions = {}): Promise<ImportedFolder> {
  const dtypes = o.dtypes?.length ? [...new Set(o.dtypes)] : (['fp32'] as VpDtype[]);
  // Checked before any conversion (the manifest would refuse them only at the end).
  if (o.mean !== undefined && !Number.isFinite(o.mean)) throw new RequestError(`mean must be a number, got ${o.mean}`);
  if (o.std !== undefined && !(Number.isFinite(o.std) && o.std > 0)) throw new RequestError(`std must be a positive number, got ${o.std}`);
  if (o.name !== undefined && !o.name.trim()) throw new RequestError('the model needs a name');
  const vocab = readBertVocab(vocabFile.text, vocabFile.name);
  const heads = o.heads ?? DEFAULT_HEADS;
  const layout = loadImageReward(await openCheckpoint(checkpoint), heads);
  const c = layout.config;
  if (vocab.length + 2 !== c.vocabSize) {
    throw new CheckpointError(`${vocabFile.name} has ${vocab.length} tokens; +[DEC]/[ENC] = ${vocab.length + 2}, but the checkpoint embeds ${c.vocabSize}`);
  }
  const id = o.id ?? 'imagereward-v1';
  const spec: VpGraphSpec = { id, visionHeads: heads.vision, textHeads: heads.text };
  const weights = imageRewardWeights(layout);
  const doc = `VP-Score (ImageReward architecture) imported by PrefLens from ${checkpoint.name}`;
  const entries = new Map<VpDtype, FileEntry>();
  const written: Record<string, number> = {};
  let meter: ImportMeter | undefined;
  for (const dtype of dtypes) {
    if (o.signal?.aborted) throw new CancelledError(CANCELLED);
    const { model, lazy } = buildVpModel(spec, weights, doc);
    const m = (meter ??= new ImportMeter(importPasses(dtypes, [...lazy.keys()].reduce((n, t) => n + numel(t) * 4, 0)), o.onProgress));
    const scratch = await sink.scratch();
    try {
      // Float32 bytes the converter pass reads; weights it leaves as they are are read again while
      // writing, where bytes written count instead.
      let read = 0;
      let writing = dtype === 'fp32';
      const pass = dtype === 'fp32' ? -1 : m.indexOf('convert', dtype);
      const store = new StreamedTensors(lazy, scratch, {
        minSpillBytes: o.minSpillBytes,
        onRead: (_, bytes) => writing || m.report(pass, (read += bytes), m.passes[pass].bytes),
      });
      let converted = model;
      if (dtype !== 'fp32') {
        m.report(pass, 0, 1);
        converted = await runStepsCancellable(convertPassSteps(model, dtype, checkpoint.name, store), o.signal, CANCELLED);
        m.report(pass, 1, 1);
      }
      writing = true;
      const name = modelFileOf(dtype);
      const split = streamedSplitModel(converted, store, dataFileOf(name));
      const [graph, data] = progressOf([split.graph, split.data], m, m.indexOf('write', dtype), o.signal);
      const sha256 = await sink.write(name, graph);
      const dataEntry = { file: dataFileOf(name), bytes: data.bytes, sha256: await sink.write(dataFileOf(name), data) };
      entries.set(dtype, { file: name, bytes: graph.bytes, sha256, data: dataEntry });
      written[name] = graph.bytes;
      written[dataEntry.file] = data.bytes;
    } finally {
      await scratch.close();
    }
  }
  const tokenizerBytes = new TextEncoder().encode(JSON.stringify(blipTokenizerJson(vocab)));
  const tokenizerSha = await sink.write('tokenizer.json', whole(tokenizerBytes));
  written['tokenizer.json'] = tokenizerBytes.byteLength;
  const [base, ...more] = dtypes;
  const model = entries.get(base)!;
  const params = [...layout.tensors].filter(([k]) => !k.startsWith('mlp.')).reduce((n, [, t]) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const manifest = validateVpManifest({
    kind: 'vp-score', id, name: o.name ?? 'ImageReward v1.0', mean: o.mean ?? IMAGEREWARD_MEAN, std: o.std ?? IMAGEREWARD_STD,
    maxLength: VP_MAX_LENGTH, imageSize: VP_IMAGE_SIZE,
    files: { model: model.file, tokenizer: 'tokenizer.json', modelData: model.data!.file },
    ...(base === 'fp32' ? {} : { dtype: base }),
    ...(more.length ? { variants: Object.fromEntries(more.map((d) => [d, entries.get(d)!])) } : {}),
    sizes: {
      params, modelBytes: model.bytes!, modelDataBytes: model.data!.bytes!, tokenizerBytes: tokenizerBytes.byteLength, visionWidth: c.visionWidth,
      visionLayers: c.visionDepth, visionHeads: c.visionHeads, textWidth: c.textWidth, textLayers: c.textDepth,
      textHeads: c.textHeads, vocab: c.vocabSize,
    },
    sha256: { model: model.sha256!, modelData: model.data!.sha256!, tokenizer: tokenizerSha },
  }, MANIFEST_FILE);
  const manifestBytes = new TextEncoder().encode(manifestText(manifest));
  await sink.write(MANIFEST_FILE, whole(manifestBytes));
  written[MANIFEST_FILE] = manifestBytes.byteLength;
  return { manifest, dropped: layout.dropped, written };
}

const whole = (bytes: Uint8Array): StreamedFile => ({ bytes: bytes.byteLength, chunks: () => [bytes] });

/** The same files, reporting bytes written of them all as pass `pass` and stopping at a cancel between pieces. */
function progressOf(files: StreamedFile[], meter: ImportMeter, pass: number, signal?: AbortSignal): StreamedFile[] {
  const total = files.reduce((n, f) => n + f.bytes, 0);
  let done = 0;
  meter.report(pass, 0, total);
  return files.map((file) => ({
    bytes: file.bytes,
    *chunks() {
      for (const c of file.chunks()) {
        if (signal?.aborted) throw new CancelledError(CANCELLED);
        yield c;
        done += c.byteLength;
        meter.report(pass, done, total);
      }
    },
  }));
}
