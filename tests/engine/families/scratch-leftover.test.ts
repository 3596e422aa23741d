// The scratch file a conversion leaves when its tab is closed mid-pass (OPFS in the browser; a
// stand-in here): counted in the storage the Models view shows while it exists, removed when the
// engine starts and no conversion runs, and kept (still counted) when another tab's conversion
// holds it open.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { ScratchLeftover } from '../../../src/lib/engine/store/scratch.ts';
import { Engine } from '../../../src/lib/engine/engine.ts';
import { MemoryStorage } from '../../../src/lib/engine/store/memory-storage.ts';
import { ModelStore } from '../../../src/lib/engine/store/model-store.ts';
import { MemoryRecords } from '../../../src/lib/engine/store/records.ts';
import { bytesOf } from '../store/fake-server.ts';

/** A leftover of `bytes`; `held`: another tab's conversion has it open, so it cannot be removed. */
function leftover(bytes: number, held = false): ScratchLeftover & { removed: number } {
  const l = {
    removed: 0,
    bytes: async () => bytes,
    remove: async () => {
      if (held) throw new DOMException('held by an access handle', 'NoModificationAllowedError');
      bytes = 0;
      l.removed++;
    },
  };
  return l;
}

async function engineWith(scratch: ScratchLeftover) {
  const store = new ModelStore({ storage: new MemoryStorage(), records: new MemoryRecords() });
  const model = { url: 'https://host/m/model.onnx', name: 'model.onnx', bytes: 5000 };
  await store.writeFile(model, [bytesOf(5000)]);
  return new Engine({ store, leftover: scratch });
}

describe('a conversion\'s leftover scratch file', () => {
  it('is counted in the storage while it exists, and removed when the engine starts', async () => {
    const scratch = leftover(70_000);
    const engine = await engineWith(scratch);
    expect(await engine.storageInfo()).toMatchObject({ storeBytes: 75_000, scratchBytes: 70_000 });
    await engine.init({ backend: 'wasm' });
    expect(scratch.removed).toBe(1);
    const after = await engine.storageInfo();
    expect(after.storeBytes).toBe(5000);
    expect(after.scratchBytes).toBeUndefined();
  });

  it('one another tab\'s conversion holds open stays, still counted; the engine starts all the same', async () => {
    const engine = await engineWith(leftover(70_000, true));
    await engine.init({ backend: 'wasm' });
    expect(await engine.storageInfo()).toMatchObject({ storeBytes: 75_000, scratchBytes: 70_000 });
  });

  it('is not removed while a conversion runs in this engine', async () => {
    const scratch = leftover(70_000);
    const engine = await engineWith(scratch);
    await engine.init({ backend: 'wasm' });
    expect(scratch.removed).toBe(1);
    // An import whose checkpoint is still being read when the engine is set up again.
    let release!: () => void;
    const reading = new Promise<void>((r) => (release = r));
    const checkpoint = { name: 'x.pt', size: 100, read: async () => (await reading, new Uint8Array(100)) };
    const running = engine.importCheckpoint({ checkpoint, checkpointName: 'x.pt', vocab: { text: readFileSync(join(inject('checkpointFixture'), 'vocab.txt'), 'utf8'), name: 'vocab.txt' }, name: 'x' }).catch(() => undefined);
    await engine.init({ backend: 'wasm' });
    expect(scratch.removed).toBe(1);
    release();
    await running;
  });
});
