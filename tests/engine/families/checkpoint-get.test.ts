// "Get ImageReward" without a network: the shipped manifest checked for shape (pinned https files,
// sizes, sha256), the manifest rules, and the whole flow on the repo's ImageReward-format fixture
// served by a fake host — download (a dropped connection resumed), import into the store, the
// checkpoint deleted unless kept; a wrong file refused; cancel in either stage loses nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { Engine } from '../../../src/lib/engine/engine.ts';
import { CancelledError, CheckpointError, DownloadError, ManifestError, ModelFileError } from '../../../src/lib/engine/errors.ts';
import { checkpointStatus, getCheckpoint, type GetFailure, type GetProgress } from '../../../src/lib/engine/families/checkpoint-get.ts';
import { checkpointFiles, parseCheckpointManifest, type CheckpointManifest } from '../../../src/lib/engine/families/checkpoint-manifest.ts';
import { memoryScratch } from '../../../src/lib/engine/store/scratch.ts';
import { MemoryStorage } from '../../../src/lib/engine/store/memory-storage.ts';
import { ModelStore } from '../../../src/lib/engine/store/model-store.ts';
import { MemoryRecords } from '../../../src/lib/engine/store/records.ts';
import { asInputs, sixImages } from '../../../models/test-images.ts';
import { FIXTURE_HEADS } from '../../fixtures/checkpoint-fixture.ts';
import { pythonRewards } from '../../fixtures/python-rewards.ts';
import { fakeServer, type FakeFile } from '../store/fake-server.ts';

const dir = inject('checkpointFixture');
const PROMPT = 'a red cat sitting on a wooden table';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const CKPT = new Uint8Array(readFileSync(join(dir, 'ckpt.pt')));
const VOCAB = new Uint8Array(readFileSync(join(dir, 'vocab.txt')));
const HOST = 'https://models.example/fixture/resolve/0123456789abcdef0123456789abcdef01234567/';

const manifest = (over: Partial<CheckpointManifest> = {}): CheckpointManifest => ({
  kind: 'vp-score-checkpoint', id: 'fixture-reward', name: 'Fixture reward', licence: 'Apache-2.0', homepage: 'https://models.example/fixture',
  checkpoint: { file: `${HOST}ckpt.pt`, bytes: CKPT.byteLength, sha256: sha(CKPT) },
  vocab: { file: `${HOST}vocab.txt`, bytes: VOCAB.byteLength, sha256: sha(VOCAB) },
  visionHeads: FIXTURE_HEADS.vision, textHeads: FIXTURE_HEADS.text,
  ...over,
});

function setup(ckpt: Partial<FakeFile> = {}) {
  const server = fakeServer({ [`${HOST}ckpt.pt`]: { bytes: CKPT, ...ckpt }, [`${HOST}vocab.txt`]: { bytes: VOCAB } }, 64 * 1024);
  const storage = new MemoryStorage();
  const store = new ModelStore({ storage, records: new MemoryRecords(), fetch: server.fetch, backoffMs: 1 });
  const get = (m: CheckpointManifest, o: { keepSource?: boolean; signal?: AbortSignal; onProgress?: (p: GetProgress) => void } = {}) =>
    getCheckpoint(store, m, { keepSource: false, dtypes: ['q8'], scratch: async () => memoryScratch(), ...o });
  return { server, storage, store, get };
}

let python: number[];
beforeAll(async () => {
  python = await pythonRewards(dir, PROMPT);
});

describe('the ImageReward manifest the app ships (checked for shape only: no network here)', () => {
  const m = parseCheckpointManifest(readFileSync('public/manifests/imagereward.json', 'utf8'), 'imagereward.json');

  it('pins the checkpoint and bert-base-uncased\'s vocab.txt by revision, size and sha256', () => {
    const { checkpoint, vocab } = checkpointFiles(m);
    expect(checkpoint).toMatchObject({ name: 'ImageReward.pt', bytes: 1_786_880_927 });
    expect(vocab).toMatchObject({ name: 'vocab.txt', bytes: 231_508 });
    for (const f of [checkpoint, vocab]) {
      expect(new URL(f.url).protocol).toBe('https:');
      expect(f.url).toMatch(/\/resolve\/[0-9a-f]{40}\//);
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(m).toMatchObject({ id: 'imagereward-v1', licence: 'Apache-2.0' });
    // ImageReward's own normalisation and head counts are the importer's defaults.
    expect([m.mean, m.std, m.visionHeads, m.textHeads]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('names a relative file, a missing sha256, an unknown field and one head count alone', () => {
    const raw = JSON.parse(readFileSync('public/manifests/imagereward.json', 'utf8'));
    const parse = (o: object) => () => parseCheckpointManifest(JSON.stringify({ ...raw, ...o }), 'x.json');
    expect(parse({ checkpoint: { ...raw.checkpoint, file: 'ImageReward.pt' } })).toThrow('x.json: "checkpoint.file" must be an absolute URL');
    expect(parse({ vocab: { file: raw.vocab.file, bytes: 1 } })).toThrow('"vocab.sha256" is missing');
    expect(parse({ checkpoint: { file: 'http://host.example/a.pt', bytes: 1, sha256: raw.vocab.sha256 } })).toThrow('"checkpoint.file" must be an https URL');
    expect(parse({ colour: 'red' })).toThrow('unknown field "colour"');
    expect(parse({ visionHeads: 16 })).toThrow('"visionHeads" and "textHeads" go together');
    expect(parse({ kind: 'vp-score' })).toThrow(ManifestError);
  });
});

describe('getting a checkpoint', () => {
  it('downloads (resuming a dropped connection), imports, deletes the download; the family scores like the Python export', async () => {
    const { server, store, get } = setup({ dropAfter: 300_000, drops: 1 });
    const steps = new Set<string>();
    const family = await get(manifest(), { onProgress: (p) => steps.add(p.step) });
    expect([...steps]).toEqual(['download', 'convert', 'write']);
    expect(server.log.filter((r) => r.url.endsWith('ckpt.pt')).map((r) => r.range)).toEqual([null, 'bytes=300000-']);
    const status = await checkpointStatus(store, manifest());
    expect(status).toMatchObject({ imported: true, familyUrl: family.url });
    expect(status.files.map((f) => f.state)).toEqual(['missing', 'missing']);

    const engine = new Engine({ store });
    await engine.init({ backend: 'wasm' });
    expect(await engine.loadScorer({ kind: 'store', manifestUrl: family.url })).toMatchObject({ id: 'fixture-reward', dtype: 'q8' });
    const ours = (await engine.score({ prompt: PROMPT, images: asInputs(sixImages()) })).results.map((r) => r.reward!);
    expect(Math.max(...ours.map((r, i) => Math.abs(r - python[i])))).toBeLessThan(0.05);
    await engine.dispose();
  });

  it('keeps the checkpoint when asked; a file with another sha256 is removed and nothing is imported', async () => {
    const kept = setup();
    await kept.get(manifest(), { keepSource: true });
    expect((await checkpointStatus(kept.store, manifest())).files.map((f) => f.state)).toEqual(['cached', 'cached']);

    const bad = setup();
    const wrong = manifest({ checkpoint: { ...manifest().checkpoint, sha256: sha(VOCAB) } });
    await expect(bad.get(wrong)).rejects.toThrow(/ckpt\.pt downloaded from .* has sha256 .* the manifest expects/);
    expect(await checkpointStatus(bad.store, wrong)).toMatchObject({ imported: false, files: [{ state: 'missing' }, { state: 'cached' }] });
  });

  it('a failure says where it stopped: a wrong sha256 or a missing file in the download; a file that is no checkpoint in the conversion, removed unless kept', async () => {
    const bad = setup();
    const wrong = await bad.get(manifest({ checkpoint: { ...manifest().checkpoint, sha256: sha(VOCAB) } })).catch((e) => e);
    expect(wrong).toBeInstanceOf(ModelFileError);
    expect((wrong as GetFailure).getStep).toBe('download');

    const gone = await bad.get(manifest({ checkpoint: { ...manifest().checkpoint, file: `${HOST}gone.pt` } })).catch((e) => e);
    expect(gone).toBeInstanceOf(DownloadError);
    expect(gone.message).toMatch(/HTTP 404/);
    expect((gone as GetFailure).getStep).toBe('download');

    // The host's "checkpoint" is a text file with the sha256 the manifest names: getting it again
    // would bring the same bytes, so they are not kept (unless the user asked to keep the download).
    const text = { checkpoint: { ...manifest().checkpoint, bytes: VOCAB.byteLength, sha256: sha(VOCAB) } };
    for (const keepSource of [false, true]) {
      const t = setup({ bytes: VOCAB });
      const e = await t.get(manifest(text), { keepSource }).catch((x) => x);
      expect(e).toBeInstanceOf(CheckpointError);
      expect((e as GetFailure).getStep).toBe('convert');
      const states = (await checkpointStatus(t.store, manifest(text))).files.map((f) => f.state);
      expect(states).toEqual(keepSource ? ['cached', 'cached'] : ['missing', 'missing']);
    }
  });

  it('a file of another size than the manifest says is removed (resuming it would fail again); a zip that is no checkpoint and a truncated checkpoint fail the conversion', async () => {
    for (const bytes of [CKPT.byteLength - 1000, CKPT.byteLength + 1000]) {
      const t = setup();
      const m = manifest({ checkpoint: { ...manifest().checkpoint, bytes } });
      const e = await t.get(m).catch((x) => x);
      expect(e, `${bytes}`).toBeInstanceOf(ModelFileError);
      expect(e.message).toMatch(bytes > CKPT.byteLength ? /the server has only .* the manifest says/ : /sent more than/);
      expect((e as GetFailure).getStep).toBe('download');
      expect((await checkpointStatus(t.store, m)).files.map((f) => f.state)).toEqual(['missing', 'cached']);
    }
    // A zip of other things and the checkpoint cut short, each with the sha256 the manifest names:
    // the download passes its check and the conversion refuses.
    const zip = zipSync({ 'notes/readme.txt': [VOCAB, { level: 0 }] });
    for (const bytes of [zip, CKPT.subarray(0, CKPT.byteLength >> 1)]) {
      const t = setup({ bytes });
      const m = manifest({ checkpoint: { ...manifest().checkpoint, bytes: bytes.byteLength, sha256: sha(bytes) } });
      const e = await t.get(m).catch((x) => x);
      expect(e).toBeInstanceOf(CheckpointError);
      expect((e as GetFailure).getStep).toBe('convert');
    }
  });

  it('offline, an imported checkpoint\'s card reads the manifest kept by its Get: imported, not a download error', async () => {
    const { store } = setup();
    const url = 'https://link.example/reward.json';
    const text = JSON.stringify(manifest());
    const engine = new Engine({ store });
    await engine.init({ backend: 'wasm' });
    vi.stubGlobal('fetch', async (u: string) => (u === url ? new Response(text) : new Response('no', { status: 404 })));
    try {
      await expect(engine.inspectCheckpoint(url)).resolves.toMatchObject({ imported: false });
      expect((await engine.inspectCheckpoint(url)).manifestStored).toBeUndefined();
      await engine.getCheckpoint(url, { keepSource: false });
      vi.stubGlobal('fetch', async () => {
        throw new TypeError('Failed to fetch');
      });
      expect(await engine.inspectCheckpoint(url)).toMatchObject({ imported: true, manifestStored: true, manifest: { id: 'fixture-reward' } });
      // A manifest never got is not invented: the fetch's own error.
      await expect(engine.inspectCheckpoint('https://link.example/other.json')).rejects.toThrow(DownloadError);
    } finally {
      vi.unstubAllGlobals();
      await engine.dispose();
    }
  });

  it('cancel while downloading keeps the bytes (Get resumes); while converting keeps the checkpoint and no half model', async () => {
    const { server, storage, store, get } = setup();
    const stop = new AbortController();
    const e1 = await get(manifest(), {
      signal: stop.signal,
      onProgress: (p) => p.step === 'download' && p.file === 'ckpt.pt' && p.fileLoaded > 200_000 && stop.abort(),
    }).catch((e) => e);
    expect(e1).toBeInstanceOf(CancelledError);
    expect((await checkpointStatus(store, manifest())).files.map((f) => f.state)).toEqual(['partial', 'cached']);

    const stop2 = new AbortController();
    const e2 = await get(manifest(), { signal: stop2.signal, onProgress: (p) => p.step === 'convert' && stop2.abort() }).catch((e) => e);
    expect(e2).toBeInstanceOf(CancelledError);
    const resumed = server.log.filter((r) => r.url.endsWith('ckpt.pt')).map((r) => r.range);
    expect(resumed).toHaveLength(2);
    expect(resumed[1]).toMatch(/^bytes=\d+-$/);
    expect(await checkpointStatus(store, manifest())).toMatchObject({ imported: false, files: [{ state: 'cached' }, { state: 'cached' }] });
    expect(storage.files.size).toBe(2); // the two downloads, nothing of the cancelled import

    const requests = server.log.length;
    const family = await get(manifest());
    expect(server.log.length).toBe(requests); // converted from the stored checkpoint, no download
    expect(await checkpointStatus(store, manifest())).toMatchObject({ imported: true, familyUrl: family.url });
  });
});
