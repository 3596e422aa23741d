// FamilyStore keeps downloaded families: one URL is one stored file, so a file two families name
// (SD-Turbo's fast preview decoder is SDXS-512's TAESD decoder) must outlive the deletion of one.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FamilyStore } from '../../../src/lib/engine/families/family-store.ts';
import type { Device } from '../../../src/lib/engine/runtime/backend-choice.ts';
import { MemoryStorage } from '../../../src/lib/engine/store/memory-storage.ts';
import { ModelStore } from '../../../src/lib/engine/store/model-store.ts';
import { MemoryRecords } from '../../../src/lib/engine/store/records.ts';
import { bytesOf, fakeServer, type FakeFile } from '../store/fake-server.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const SHARED = 'https://hub.example/sdxs/taesd.onnx';
const shared = bytesOf(700, 9);
const device: Device = { ep: 'webgpu', shaderF16: true };

/** A diffusion family at https://host.example/<id>/ whose preview decoder is SHARED. */
function family(id: string, seed: number): { url: string; files: Record<string, FakeFile> } {
  const base = `https://host.example/${id}/`;
  const files: Record<string, FakeFile> = {};
  const entry = (name: string, n: number) => {
    const bytes = bytesOf(n, seed++);
    files[base + name] = { bytes };
    return { file: name, bytes: n, sha256: sha(bytes) };
  };
  const manifest = {
    kind: 'sd-turbo', id, name: id, imageSize: 64, latentChannels: 4, latentFactor: 8, hiddenSize: 32, maxTokens: 77,
    decoder: { kind: 'vae', scalingFactor: 0.18215, outputRange: '[-1,1]' },
    previewDecoder: { kind: 'taesd', scalingFactor: 1, outputRange: '[-1,1]', graph: { file: SHARED, bytes: shared.byteLength, sha256: sha(shared) } },
    tokenizer: entry('tokenizer.json', 300),
    variants: { fp16: { text_encoder: entry('te.onnx', 500), unet: entry('unet.onnx', 900), vae_decoder: entry('vae.onnx', 400) } },
  };
  files[`${base}preflens.json`] = { bytes: new TextEncoder().encode(JSON.stringify(manifest)) };
  return { url: `${base}preflens.json`, files };
}

describe('family store', () => {
  it('downloads a family with its preview decoder; deleting one of two families that share a file keeps it for the other', async () => {
    const [a, b] = [family('sd-a', 1), family('sd-b', 20)];
    const server = fakeServer({ ...a.files, ...b.files, [SHARED]: { bytes: shared } });
    const store = new ModelStore({ storage: new MemoryStorage(), records: new MemoryRecords(), fetch: server.fetch, backoffMs: 1 });
    const families = new FamilyStore(store, server.fetch);
    const sa = await families.download(a.url, device, undefined, {});
    expect(sa.files.map((f) => f.url)).toContain(SHARED);
    expect(sa.state).toBe('cached');
    await families.download(b.url, device, undefined, {});
    // The shared file was stored once: b's download did not fetch it again.
    expect(server.log.filter((r) => r.url === SHARED)).toHaveLength(1);

    await families.delete(a.url);
    const [after] = await store.status([{ url: SHARED, name: 'taesd.onnx', bytes: shared.byteLength }]);
    expect(after.state).toBe('cached');
    expect((await families.storedStatus(b.url, device))?.state).toBe('cached');
    expect(await families.storedStatus(a.url, device)).toBeNull();
    const aOwn = (await store.status(sa.files.filter((f) => f.url !== SHARED))).map((s) => s.state);
    expect(aOwn).toEqual(aOwn.map(() => 'missing'));

    await families.delete(b.url);
    const [gone] = await store.status([{ url: SHARED, name: 'taesd.onnx', bytes: shared.byteLength }]);
    expect(gone.state).toBe('missing');
    expect(await store.documents()).toEqual([]);
  });

  it('also keeps a shared file for a family whose manifest was stored before manifests were marked', async () => {
    const [a, b] = [family('sd-a', 1), family('sd-b', 20)];
    const server = fakeServer({ ...a.files, ...b.files, [SHARED]: { bytes: shared } });
    const records = new MemoryRecords();
    const store = new ModelStore({ storage: new MemoryStorage(), records, fetch: server.fetch, backoffMs: 1 });
    const families = new FamilyStore(store, server.fetch);
    await families.download(a.url, device, undefined, {});
    await families.download(b.url, device, undefined, {});
    // b's manifest record as an older PrefLens wrote it: no `document` mark.
    const { document: _mark, ...old } = (await records.get(b.url))!;
    await records.set(old);
    await families.delete(a.url);
    expect((await families.storedStatus(b.url, device))?.state).toBe('cached');
  });
});
