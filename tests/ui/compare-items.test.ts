// Compare's items and request: refused files are told apart before scoring, and a run reports a
// result per image (the engine on the tiny model in Node, as the worker runs it).
import { beforeAll, describe, expect, it } from 'vitest';
import { compareRequest, makeItems, refusal } from '../../src/lib/ui/compare-items.ts';
import { Engine } from '../../src/lib/engine/engine.ts';
import { MAX_IMAGE_BYTES } from '../../src/lib/engine/errors.ts';
import { asInputs, badImages, sixImages } from '../../models/test-images.ts';
import { MODEL_DIRS } from '../../models/dirs.ts';
import { dirReader } from '../../src/cli/dir-reader.ts';

const file = (name: string, bytes: Uint8Array) => new File([bytes.slice()], name);

describe('refused files', () => {
  it('names a wrong type, an empty file and an oversized one as the engine would', async () => {
    expect((await refusal(file('notes.txt', new TextEncoder().encode('hello'))))?.message).toBe('"notes.txt" is not a PNG, JPEG or WebP image');
    expect((await refusal(file('empty.png', new Uint8Array(0))))?.name).toBe('ImageDecodeError');
    const big = await refusal({ name: 'huge.png', size: MAX_IMAGE_BYTES + 1, slice: () => new Blob() } as unknown as File);
    expect(big?.name).toBe('ImageTooLargeError');
    for (const im of sixImages()) expect(await refusal(file(im.name, im.bytes))).toBeUndefined();
  });

  it('keeps refused files as tiles without a thumbnail, outside the room for images', async () => {
    const [notes, truncated] = badImages(); // a text file, and a PNG cut short (only decoding finds that)
    const files = [file(notes.name, notes.bytes), file(truncated.name, truncated.bytes), ...sixImages().map((im) => file(im.name, im.bytes))];
    const { added, dropped } = await makeItems(files, 3);
    expect(added.map((it) => [it.name, it.refused?.name, it.url !== ''])).toEqual([
      [notes.name, 'UnsupportedImageTypeError', false],
      [truncated.name, undefined, true],
      ...sixImages().slice(0, 2).map((im) => [im.name, undefined, true]),
    ]);
    expect(dropped).toBe(4);
  });
});

describe("Compare's request", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = new Engine();
    await engine.init({ backend: 'wasm' });
    await engine.loadScorer({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) });
  });

  it('gets each image’s result before the next image is read (progress per image)', async () => {
    const log: string[] = [];
    const images = asInputs(sixImages()).map((im, i) => ({ ...im, arrayBuffer: () => (log.push(`read ${i}`), im.arrayBuffer()) }));
    const r = await engine.score(compareRequest('a red cat', images), (e) => {
      if (e.kind === 'result') log.push(`result ${e.item.index}`);
    });
    expect(log).toEqual([0, 1, 2, 3, 4, 5].flatMap((i) => [`read ${i}`, `result ${i}`]));
    // The scores are the ones any batch size gives on this float32 model, bit for bit.
    const batched = await engine.score({ prompt: 'a red cat', images: asInputs(sixImages()), batchSize: 8 });
    expect(r.results.map((x) => x.reward)).toEqual(batched.results.map((x) => x.reward));
  });
});
