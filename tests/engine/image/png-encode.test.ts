import { describe, expect, it } from 'vitest';
import { decode } from 'fast-png';
import { encodePng, pngMetadata, withPngText } from '../../../src/lib/engine/image/png-encode.ts';

const img = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 14) };

describe('PNG with metadata', () => {
  it('keeps pixels exactly and round trips any text', () => {
    const text = { prompt: 'a 猫 on a café table \\u0041 😀', seed: '4294967295', note: 'back\\slash' };
    const png = encodePng(img, text);
    const d = decode(png);
    expect([d.width, d.height, d.channels]).toEqual([3, 2, 3]);
    expect(Array.from(d.data)).toEqual(Array.from(img.data));
    expect(pngMetadata(png)).toEqual(text);
  });
  it('adds chunks to an existing PNG without touching the pixels', () => {
    const png = withPngText(encodePng(img, { prompt: 'x' }), { score: '1.25' });
    expect(pngMetadata(png)).toEqual({ prompt: 'x', score: '1.25' });
    expect(Array.from(decode(png).data)).toEqual(Array.from(img.data));
  });
});
