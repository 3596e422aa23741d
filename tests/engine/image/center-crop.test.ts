// Resize/crop geometry against the sizes and offsets PIL + torchvision produced for the golden cases.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { centerCrop, centerCropOffset, roundHalfEven, shortSideResize } from '../../../src/lib/engine/image/center-crop.ts';
import { readImageHeader } from '../../../src/lib/engine/image/sniff.ts';

const goldenDir = fileURLToPath(new URL('../../fixtures/golden/preprocess/', import.meta.url));
const cases: { image: string; resized: [number, number]; crop_left_top: [number, number] }[] = JSON.parse(
  readFileSync(goldenDir + 'cases.json', 'utf8'),
).cases;

describe('golden geometry', () => {
  it.each(cases)('$image → resized $resized, crop at $crop_left_top', (c) => {
    const { width, height } = readImageHeader(new Uint8Array(readFileSync(goldenDir + c.image)), c.image);
    const resized = shortSideResize(width, height);
    expect([resized.width, resized.height]).toEqual(c.resized);
    const { left, top } = centerCropOffset(resized.width, resized.height);
    expect([left, top]).toEqual(c.crop_left_top);
  });
});

describe('shortSideResize', () => {
  it('truncates the long side like int() and handles square and extreme shapes', () => {
    expect(shortSideResize(333, 333)).toEqual({ width: 224, height: 224 });
    expect(shortSideResize(300, 301)).toEqual({ width: 224, height: 224 }); // 224.74 → 224
    expect(shortSideResize(1, 8192)).toEqual({ width: 224, height: 224 * 8192 });
    expect(shortSideResize(7, 3)).toEqual({ width: 522, height: 224 }); // 522.67 → 522
  });
});

describe('roundHalfEven', () => {
  it('rounds halves to the even neighbour, like Python 3 round()', () => {
    expect([0.5, 1.5, 2.5, 37.5, 186.5, 3.4, 3.6, 4].map(roundHalfEven)).toEqual([0, 2, 2, 38, 186, 3, 4, 4]);
  });
});

describe('centerCrop', () => {
  it('copies the centred square', () => {
    const width = 229; // (229 - 224) / 2 = 2.5 → 2
    const height = 224;
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(i / 3) % width; // every channel = x
    const out = centerCrop({ width, height, data });
    expect([out.width, out.height]).toEqual([224, 224]);
    expect(Array.from(out.data.subarray(0, 6))).toEqual([2, 2, 2, 3, 3, 3]);
    expect(out.data[out.data.length - 1]).toBe(225);
  });

  it('refuses an image smaller than the crop', () => {
    expect(() => centerCrop({ width: 100, height: 300, data: new Uint8Array(100 * 300 * 3) })).toThrow(RangeError);
  });
});
