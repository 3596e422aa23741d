import { describe, expect, it } from 'vitest';
import { decode, encode } from 'fast-png';
import { encodePng, pngMetadata, withPngText } from '../../../src/lib/engine/image/png-encode.ts';
import { readChunks } from '../../../src/lib/engine/image/png-chunks.ts';

const img = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i * 14) };
const PROMPT = 'a 猫 on a café table, crème brûlée 😀🍎 \\u0041';

describe('PNG with metadata', () => {
  it('keeps pixels exactly and round trips any text', () => {
    const text = { prompt: PROMPT, seed: '4294967295', note: 'back\\slash' };
    const png = encodePng(img, text);
    const d = decode(png, { checkCrc: true });
    expect([d.width, d.height, d.channels]).toEqual([3, 2, 3]);
    expect(Array.from(d.data)).toEqual(Array.from(img.data));
    expect(pngMetadata(png)).toEqual(text);
  });

  it('writes the text as UTF-8 iTXt chunks before the image data', () => {
    const png = encodePng(img, { prompt: PROMPT, seed: '7' });
    const types = readChunks(png).map((c) => c.type);
    expect(types[0]).toBe('IHDR');
    expect(types.slice(1, 3)).toEqual(['iTXt', 'iTXt']);
    expect(types.indexOf('IDAT')).toBeGreaterThan(2);
    expect(types).not.toContain('tEXt');
    const prompt = readChunks(png).find((c) => c.type === 'iTXt' && new TextDecoder().decode(c.data).startsWith('prompt\0'))!;
    // keyword, NUL, flag 0, method 0, no language (NUL), no translated keyword (NUL), the text itself
    expect(new TextDecoder().decode(prompt.data)).toBe(`prompt\0\0\0\0\0${PROMPT}`);
  });

  it('still reads PNGs written with the old escaped tEXt chunks', () => {
    // what encodePng wrote before: fast-png tEXt after IDAT, non-ASCII as \uXXXX, backslash doubled
    const old = encode({
      ...img, channels: 3, depth: 8,
      text: { prompt: 'a caf\\u00e9 \\ud83d\\ude00 \\\\u0041', seed: '3' },
    });
    expect(pngMetadata(old)).toEqual({ prompt: 'a café 😀 \\u0041', seed: '3' });
  });

  it('adds chunks to an existing PNG without touching the pixels', () => {
    const png = withPngText(encodePng(img, { prompt: 'x' }), { score: '1.25' });
    expect(pngMetadata(png)).toEqual({ prompt: 'x', score: '1.25' });
    expect(Array.from(decode(png).data)).toEqual(Array.from(img.data));
  });

  it('refuses a keyword PNG cannot hold, by name', () => {
    expect(() => encodePng(img, { 'prompt ✓': 'x' })).toThrow(/keyword "prompt ✓"/);
  });
});
