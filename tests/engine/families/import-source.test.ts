// A checkpoint imported by hand that is the very file a published manifest names (same sha256):
// its card knows the model is on the device, and forgets when the family is deleted. A file of the
// same size with another sha256 (a fine-tune) is not taken for it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { bytesSource } from '../../../src/lib/engine/store/byte-source.ts';
import { memoryScratch } from '../../../src/lib/engine/store/scratch.ts';
import { checkpointStatus } from '../../../src/lib/engine/families/checkpoint-get.ts';
import type { CheckpointManifest } from '../../../src/lib/engine/families/checkpoint-manifest.ts';
import { importFamily, type ImportRequest } from '../../../src/lib/engine/families/family-import.ts';
import { FamilyStore } from '../../../src/lib/engine/families/family-store.ts';
import { MemoryStorage } from '../../../src/lib/engine/store/memory-storage.ts';
import { ModelStore } from '../../../src/lib/engine/store/model-store.ts';
import { MemoryRecords } from '../../../src/lib/engine/store/records.ts';
import { FIXTURE_HEADS } from '../../fixtures/checkpoint-fixture.ts';

const dir = inject('checkpointFixture');
const CKPT = new Uint8Array(readFileSync(join(dir, 'ckpt.pt')));
const VOCAB = readFileSync(join(dir, 'vocab.txt'), 'utf8');
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const HOST = 'https://models.example/r/';
const published: CheckpointManifest = {
  kind: 'vp-score-checkpoint', id: 'imagereward-v1', name: 'ImageReward', licence: 'Apache-2.0', homepage: 'https://models.example',
  checkpoint: { file: `${HOST}ImageReward.pt`, bytes: CKPT.byteLength, sha256: sha(CKPT) },
  vocab: { file: `${HOST}vocab.txt`, bytes: Buffer.byteLength(VOCAB), sha256: sha(VOCAB) },
  visionHeads: FIXTURE_HEADS.vision, textHeads: FIXTURE_HEADS.text,
};

function byHand(store: ModelStore, recognise: ImportRequest['recognise']) {
  return importFamily(store, {
    checkpoint: bytesSource(CKPT, 'ImageReward.pt'), checkpointName: 'ImageReward.pt', vocab: { text: VOCAB, name: 'vocab.txt' },
    name: 'My ImageReward', heads: FIXTURE_HEADS, recognise,
  }, { dtypes: ['q8'], scratch: async () => memoryScratch() });
}

describe('a checkpoint imported by hand', () => {
  it('that is the published file: its card shows it imported (no second download offered), until the family is deleted', async () => {
    const store = new ModelStore({ storage: new MemoryStorage(), records: new MemoryRecords() });
    expect(await checkpointStatus(store, published)).toMatchObject({ imported: false });
    const family = await byHand(store, [{ bytes: CKPT.byteLength, sha256: published.checkpoint.sha256 }]);
    expect(await checkpointStatus(store, published)).toMatchObject({ imported: true, importedByHand: true, familyUrl: family.url });
    await new FamilyStore(store).delete(family.url);
    expect(await checkpointStatus(store, published)).toMatchObject({ imported: false, familyUrl: 'preflens-import://local/imagereward-v1/preflens.json' });
    expect(await store.documents()).toEqual([]);
  });

  it('of the same size but another sha256, or with no checkpoint offered: not taken for the published one', async () => {
    const store = new ModelStore({ storage: new MemoryStorage(), records: new MemoryRecords() });
    await byHand(store, [{ bytes: CKPT.byteLength, sha256: sha('a fine-tune') }]);
    await byHand(store, undefined);
    expect(await checkpointStatus(store, published)).toMatchObject({ imported: false });
  });
});
