// A checkpoint imported by the engine into the model store (memory storage here, OPFS in the
// browser): a family like a downloaded one — inspected as cached, loaded from the store, scoring
// like the Python exporter's model; a second import of the same name gets its own id; storage
// full and a bad checkpoint leave nothing behind and other families untouched; delete removes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Engine } from '../../../src/lib/engine/engine.ts';
import { CheckpointError, ModelFileError, StorageQuotaError } from '../../../src/lib/engine/errors.ts';
import { slug } from '../../../src/lib/engine/families/family-import.ts';
import { importedFamilyUrl } from '../../../src/lib/engine/families/imported-url.ts';
import { MemoryStorage } from '../../../src/lib/engine/store/memory-storage.ts';
import { ModelStore } from '../../../src/lib/engine/store/model-store.ts';
import { MemoryRecords } from '../../../src/lib/engine/store/records.ts';
import { fileSource } from '../../../src/cli/file-source.ts';
import { asInputs, sixImages } from '../../../models/test-images.ts';
import { FIXTURE_HEADS } from '../../fixtures/checkpoint-fixture.ts';
import { pythonRewards } from '../../fixtures/python-rewards.ts';

const dir = inject('checkpointFixture');
const PROMPT = 'a red cat sitting on a wooden table';
const vocab = { text: readFileSync(join(dir, 'vocab.txt'), 'utf8'), name: 'vocab.txt' };
// In Node a checkpoint is a ByteSource (fs reads); the browser passes the File itself.
const checkpoint = () => ({ checkpoint: fileSource(join(dir, 'ckpt.pt')), checkpointName: 'ckpt.pt' });

function engineWith(quota = Infinity) {
  const storage = new MemoryStorage(quota);
  const records = new MemoryRecords();
  return { engine: new Engine({ store: new ModelStore({ storage, records }) }), storage, records };
}

let python: number[];
beforeAll(async () => {
  python = await pythonRewards(dir, PROMPT);
});

describe('importing a checkpoint into the model store', () => {
  it('makes a cached family (q8 on WASM) that loads from the store and scores within 0.05 of the Python export', async () => {
    const { engine } = engineWith();
    await engine.init({ backend: 'wasm' });
    const steps = new Set<string>();
    const imported = await engine.importCheckpoint({ ...checkpoint(), vocab, name: 'My VP-Score', heads: FIXTURE_HEADS }, (p) => steps.add(`${p.step} ${p.dtype}`));
    expect(imported.url).toBe(importedFamilyUrl('my-vp-score'));
    expect(imported.manifest).toMatchObject({ id: 'my-vp-score', name: 'My VP-Score', dtype: 'q8' });
    expect([...steps]).toEqual(['convert q8', 'write q8']);
    const status = await engine.inspectFamily(imported.url);
    expect(status.state).toBe('cached');
    const loaded = await engine.loadScorer({ kind: 'store', manifestUrl: imported.url });
    expect(loaded).toMatchObject({ id: 'my-vp-score', dtype: 'q8' });
    // The model's size is its graph and its weights (model.onnx_data), not the graph file alone.
    const graphFiles = status.fileStatus.filter((f) => /\.onnx(_data)?$/.test(f.name));
    expect(graphFiles).toHaveLength(2);
    expect(loaded.modelBytes).toBe(graphFiles.reduce((n, f) => n + f.present, 0));
    const ours = (await engine.score({ prompt: PROMPT, images: asInputs(sixImages()) })).results.map((r) => r.reward!);
    const worst = Math.max(...ours.map((r, i) => Math.abs(r - python[i])));
    console.log(`imported q8 vs Python fp32 export: max |Δreward| ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(0.05);

    // The same name again: its own id, the first one untouched. Then delete one.
    const again = await engine.importCheckpoint({ ...checkpoint(), vocab, name: 'My VP-Score', heads: FIXTURE_HEADS });
    expect(again.url).toBe(importedFamilyUrl('my-vp-score-2'));
    await engine.deleteFamily(again.url);
    expect((await engine.inspectFamily(imported.url)).state).toBe('cached');
    await expect(engine.inspectFamily(again.url)).rejects.toThrow(ModelFileError);
    await engine.dispose();
  });

  it('a bad checkpoint or a full disk leaves nothing in the store; the family before it is untouched', async () => {
    const { engine, storage, records } = engineWith();
    await engine.init({ backend: 'wasm' });
    const first = await engine.importCheckpoint({ ...checkpoint(), vocab, name: 'first', heads: FIXTURE_HEADS });
    const before = new Map(storage.files);
    const recordsBefore = (await records.all()).length;
    const bad = await engine.importCheckpoint({ checkpoint: fileSource(join(dir, 'vocab.txt')), checkpointName: 'vocab.txt', vocab, name: 'bad' }).catch((e) => e);
    expect(bad).toBeInstanceOf(CheckpointError);
    storage.quotaBytes = storage.usedBytes() + 200_000; // room for less than the q8 model
    const full = await engine.importCheckpoint({ ...checkpoint(), vocab, name: 'second', heads: FIXTURE_HEADS }).catch((e) => e);
    expect(full).toBeInstanceOf(StorageQuotaError);
    expect(full.message).toMatch(/Storage is full: .* removed; other cached models are untouched/);
    expect(storage.files).toEqual(before);
    expect((await records.all()).length).toBe(recordsBefore);
    expect((await engine.inspectFamily(first.url)).state).toBe('cached');
    await engine.dispose();
  });

  it('ids from names', () => {
    expect(slug('ImageReward v1.0 (THUDM)')).toBe('imagereward-v1-0-thudm');
    expect(slug('  ---  ')).toBe('imported');
  });
});
