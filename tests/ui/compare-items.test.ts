// Compare's items: refused files are told apart before scoring, kept as tiles, never sent.
import { describe, expect, it } from 'vitest';
import { makeItems, refusal } from '../../src/lib/ui/compare-items.ts';
import { MAX_IMAGE_BYTES } from '../../src/lib/engine/errors.ts';
import { badImages, sixImages } from '../../models/test-images.ts';

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
