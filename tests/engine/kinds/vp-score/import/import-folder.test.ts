// The streamed import against the in-memory path it replaces: for each dtype, the graph and data
// file written piece by piece (lazy checkpoint reads, big tensors through a scratch file) are byte
// for byte what the converter and splitExternalData make from the whole float32 graph in memory. Plus the manifest it writes,
// progress, bad options refused up front, and a cancelled import that writes nothing more.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { fileSource } from '../../../../../src/cli/file-source.ts';
import { imageRewardWeights } from '../../../../../src/lib/engine/kinds/vp-score/import/checkpoint-weights.ts';
import { loadImageReward } from '../../../../../src/lib/engine/kinds/vp-score/import/image-reward-layout.ts';
import { importCheckpoint, type ImportProgress, type ImportSink } from '../../../../../src/lib/engine/kinds/vp-score/import/import-folder.ts';
import { openCheckpoint } from '../../../../../src/lib/engine/checkpoint/open-checkpoint.ts';
import { convertModel } from '../../../../../src/lib/engine/convert/convert-model.ts';
import { dataFileOf, splitExternalData } from '../../../../../src/lib/engine/convert/external-data.ts';
import { memoryScratch } from '../../../../../src/lib/engine/store/scratch.ts';
import { buildVpGraph } from '../../../../../src/lib/engine/kinds/vp-score/graph/vp-score-graph.ts';
import { CancelledError, RequestError } from '../../../../../src/lib/engine/errors.ts';
import { modelFileOf, parseVpManifest } from '../../../../../src/lib/engine/kinds/vp-score/manifest.ts';
import { sha256Hex } from '../../../../../src/lib/engine/store/sha256.ts';
import { FIXTURE_HEADS } from '../../../../fixtures/checkpoint-fixture.ts';

const dir = inject('checkpointFixture');
const vocab = () => ({ text: readFileSync(join(dir, 'vocab.txt'), 'utf8'), name: 'vocab.txt' });

function memorySink() {
  const files = new Map<string, Uint8Array>();
  let scratchBytes = 0;
  const sink: ImportSink = {
    async write(name, file) {
      const parts = [...file.chunks()];
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let at = 0;
      for (const p of parts) (bytes.set(p, at), (at += p.byteLength));
      expect(bytes.byteLength, `${name}: announced length`).toBe(file.bytes);
      files.set(name, bytes);
      return sha256Hex(bytes);
    },
    async scratch() {
      const s = memoryScratch();
      return { ...s, close: () => { scratchBytes += s.bytes(); s.close(); } };
    },
  };
  return { sink, files, scratchBytes: () => scratchBytes };
}

describe('the streamed checkpoint import', () => {
  it.each(['ckpt.pt', 'ckpt.safetensors'])('%s: every dtype\'s graph and data file are byte for byte the in-memory conversion\'s, split', async (name) => {
    const source = fileSource(join(dir, name));
    const doc = `VP-Score (ImageReward architecture) imported by PrefLens from ${name}`;
    const fp32 = buildVpGraph({ id: 'imported', visionHeads: 2, textHeads: 2 }, imageRewardWeights(loadImageReward(await openCheckpoint(source), FIXTURE_HEADS)), doc);
    const { sink, files, scratchBytes } = memorySink();
    const progress: ImportProgress[] = [];
    const dtypes = ['fp32', 'q8', 'q4f16', 'fp16'] as const;
    const folder = await importCheckpoint(source, vocab(), sink, {
      id: 'imported', heads: FIXTURE_HEADS, dtypes: [...dtypes], minSpillBytes: 4096, onProgress: (p) => progress.push(p),
    });
    source.close();
    expect(scratchBytes()).toBeGreaterThan(100_000); // the tiny model's big tensors did go through the scratch file
    for (const d of dtypes) {
      const want = splitExternalData(d === 'fp32' ? fp32 : convertModel(fp32, d, name), dataFileOf(modelFileOf(d)));
      const graph = files.get(modelFileOf(d))!;
      const data = files.get(dataFileOf(modelFileOf(d)))!;
      expect(graph.byteLength, d).toBe(want.graph.byteLength);
      expect(Buffer.from(graph).equals(Buffer.from(want.graph)), `${d} graph bytes`).toBe(true);
      expect(data.byteLength, d).toBe(want.data.byteLength);
      expect(Buffer.from(data).equals(Buffer.from(want.data)), `${d} data bytes`).toBe(true);
      expect(data.byteLength, `${d}: the weights are in the data file`).toBeGreaterThan(graph.byteLength * 4);
    }
    const manifest = parseVpManifest(new TextDecoder().decode(files.get('preflens.json')), 'preflens.json');
    expect(manifest.files).toEqual({ model: 'model.onnx', tokenizer: 'tokenizer.json', modelData: 'model.onnx_data' });
    expect(manifest.sha256!.model).toBe(await sha256Hex(files.get('model.onnx')!));
    expect(manifest.sha256!.modelData).toBe(await sha256Hex(files.get('model.onnx_data')!));
    expect(manifest.sizes!.modelDataBytes).toBe(files.get('model.onnx_data')!.byteLength);
    expect(Object.keys(manifest.variants!)).toEqual(['q8', 'q4f16', 'fp16']);
    expect(manifest.variants!.q8!.sha256).toBe(await sha256Hex(files.get('model.q8.onnx')!));
    expect(manifest.variants!.q8!.data).toEqual({
      file: 'model.q8.onnx_data', bytes: files.get('model.q8.onnx_data')!.byteLength, sha256: await sha256Hex(files.get('model.q8.onnx_data')!),
    });
    expect(folder.written['model.q8.onnx']).toBe(files.get('model.q8.onnx')!.byteLength);
    // Progress: each dtype converts then writes (import-progress.test.ts checks the bar itself).
    expect(progress.map((p) => `${p.step} ${p.dtype}`).filter((k, i, all) => k !== all[i - 1]))
      .toEqual(['write fp32', 'convert q8', 'write q8', 'convert q4f16', 'write q4f16', 'convert fp16', 'write fp16']);
    expect(progress.filter((p) => p.step === 'convert' && p.dtype === 'q8').length).toBeGreaterThan(10);
  });

  it('a folder whose model is q8 (what the browser writes for WASM): dtype and variants in the manifest', async () => {
    const source = fileSource(join(dir, 'ckpt.pt'));
    const { sink, files } = memorySink();
    await importCheckpoint(source, vocab(), sink, { heads: FIXTURE_HEADS, dtypes: ['q8', 'q4f16'], name: 'Mine', mean: 0.5, std: 2 });
    source.close();
    const m = parseVpManifest(new TextDecoder().decode(files.get('preflens.json')), 'preflens.json');
    expect(m).toMatchObject({ name: 'Mine', mean: 0.5, std: 2, dtype: 'q8', files: { model: 'model.q8.onnx' }, variants: { q4f16: { file: 'model.q4f16.onnx' } } });
    expect([...files.keys()].sort()).toEqual(['model.q4f16.onnx', 'model.q4f16.onnx_data', 'model.q8.onnx', 'model.q8.onnx_data', 'preflens.json', 'tokenizer.json']);
  });

  it('a name left empty, a mean that is no number or a std ≤ 0 is refused before anything is written', async () => {
    const source = fileSource(join(dir, 'ckpt.pt'));
    const { sink, files } = memorySink();
    const refuse = (o: { name?: string; mean?: number; std?: number }) =>
      importCheckpoint(source, vocab(), sink, { heads: FIXTURE_HEADS, dtypes: ['q8'], ...o }).then(() => null, (e) => e);
    for (const [o, message] of [
      [{ name: '  ' }, /the model needs a name/],
      [{ mean: Number.NaN }, /mean must be a number, got NaN/],
      [{ std: 0 }, /std must be a positive number, got 0/],
      [{ std: -1 }, /std must be a positive number, got -1/],
    ] as const) {
      const e = await refuse(o);
      expect(e).toBeInstanceOf(RequestError);
      expect(e.message).toMatch(message);
    }
    source.close();
    expect(files.size).toBe(0);
  });

  it('a cancel stops between written pieces with a CancelledError, before the manifest', async () => {
    const source = fileSource(join(dir, 'ckpt.pt'));
    const { sink, files } = memorySink();
    const abort = new AbortController();
    const e = await importCheckpoint(source, vocab(), sink, {
      heads: FIXTURE_HEADS, dtypes: ['fp32', 'q8'], signal: abort.signal,
      onProgress: (p) => { if (p.step === 'write' && p.dtype === 'fp32') abort.abort(); },
    }).catch((x) => x);
    source.close();
    expect(e).toBeInstanceOf(CancelledError);
    expect(files.has('preflens.json')).toBe(false);
    expect(files.has('model.onnx_data')).toBe(false);
    expect(files.has('model.q8.onnx')).toBe(false);
  });

  // The page's cancel reaches the worker as a message event, a task of its own: modelled here by a
  // MessagePort message posted from a progress event, which a pass run in one go (as before) only
  // lets through once every weight is converted.
  it.each(['q8', 'q4f16', 'fp16'] as const)('a cancel during the %s pass stops it before the next weight', async (dtype) => {
    const source = fileSource(join(dir, 'ckpt.pt'));
    const { sink, files } = memorySink();
    const abort = new AbortController();
    let before = 0;
    let after = 0;
    const cancel = new MessageChannel();
    cancel.port1.onmessage = () => abort.abort();
    const e = await importCheckpoint(source, vocab(), sink, {
      heads: FIXTURE_HEADS, dtypes: [dtype], signal: abort.signal,
      onProgress: (p) => {
        if (p.step !== 'convert') return;
        if (abort.signal.aborted) return void after++;
        if (++before === 3) cancel.port2.postMessage('cancel');
      },
    }).catch((x) => x);
    cancel.port1.close();
    source.close();
    expect(e).toBeInstanceOf(CancelledError);
    // The pass reads 96 weights; the cancel, posted at the third, is read at the next task boundary.
    expect(before).toBeLessThan(10);
    expect(after, 'weights converted after the cancel').toBe(0);
    expect(files.size).toBe(0);
  });
});
