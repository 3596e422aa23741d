// The scorer's default batch (DEFAULT_BATCH): one image per run, so each result (and the progress
// bar) arrives before the next image is read, and a score never depends on the other images.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../../src/lib/engine/engine.ts';
import { asInputs, sixImages } from '../../../../models/test-images.ts';
import { MODEL_DIRS } from '../../../../models/dirs.ts';
import { dirReader } from '../../../../src/cli/dir-reader.ts';

describe('scoring by default', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = new Engine();
    await engine.init({ backend: 'wasm' });
    await engine.loadScorer({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) });
  });

  it('gets each image’s result before the next image is read (progress per image)', async () => {
    const log: string[] = [];
    const images = asInputs(sixImages()).map((im, i) => ({ ...im, arrayBuffer: () => (log.push(`read ${i}`), im.arrayBuffer()) }));
    const r = await engine.score({ prompt: 'a red cat', images }, (e) => {
      if (e.kind === 'result') log.push(`result ${e.item.index}`);
    });
    expect(log).toEqual([0, 1, 2, 3, 4, 5].flatMap((i) => [`read ${i}`, `result ${i}`]));
    // The scores are the ones any batch size gives on this float32 model, bit for bit.
    const batched = await engine.score({ prompt: 'a red cat', images: asInputs(sixImages()), batchSize: 8 });
    expect(r.results.map((x) => x.reward)).toEqual(batched.results.map((x) => x.reward));
  });
});
