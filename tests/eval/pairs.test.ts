import { describe, expect, it } from 'vitest';
import { missingImages, PairsFileError, parsePairs } from '../../src/lib/eval/pairs.ts';

const good = { prompt: 'a red cube', image_a: 'a.png', image_b: 'b.png', preferred: 'a' };
const line = (o: unknown) => JSON.stringify(o);

/** The error a one-pair file with `text` on line 2 (after a comment) throws. */
function errorOf(text: string): PairsFileError {
  try {
    parsePairs(`# header\n${text}\n`);
  } catch (e) {
    expect(e).toBeInstanceOf(PairsFileError);
    return e as PairsFileError;
  }
  throw new Error('expected a PairsFileError');
}

describe('parsePairs', () => {
  it('reads pairs with their line numbers, skipping blank and comment lines', () => {
    const text = `\uFEFF# comment\n\n${line(good)}\r\n  // another\n${line({ ...good, preferred: 'tie', category: 'colour', id: 'p2', image_b: 'sub/c.png' })}\n`;
    expect(parsePairs(text)).toEqual([
      { line: 3, prompt: 'a red cube', imageA: 'a.png', imageB: 'b.png', preferred: 'a' },
      { line: 5, prompt: 'a red cube', imageA: 'a.png', imageB: 'sub/c.png', preferred: 'tie', category: 'colour', id: 'p2' },
    ]);
  });

  it('names every malformed line exactly', () => {
    const cases: [string, string][] = [
      ['{"prompt": "x",', 'line 2: not valid JSON (each line must be one JSON object)'],
      ['[1, 2]', 'line 2: expected a JSON object, found an array'],
      ['"a.png"', 'line 2: expected a JSON object, found "a.png"'],
      [line({ ...good, score: 1 }), 'line 2: unknown field "score" (allowed: prompt, image_a, image_b, preferred, chosen, rejected, category, id, and the A/B export\'s score_*/seed_*)'],
      [line({ ...good, score: 1, Prompt: 'x' }), 'line 2: unknown fields "score", "Prompt" (allowed: prompt, image_a, image_b, preferred, chosen, rejected, category, id, and the A/B export\'s score_*/seed_*)'],
      [line({ image_a: 'a.png', image_b: 'b.png', preferred: 'a' }), 'line 2: missing field "prompt"'],
      [line({ prompt: 'x', image_a: 'a.png', image_b: 'b.png' }), 'line 2: missing field "preferred"'],
      [line({ ...good, prompt: '  ' }), 'line 2: "prompt" is empty'],
      [line({ ...good, image_b: '' }), 'line 2: "image_b" is empty'],
      [line({ ...good, image_a: 3 }), 'line 2: "image_a" must be a string, found number 3'],
      [line({ ...good, category: null }), 'line 2: "category" must be a string, found null'],
      [line({ ...good, id: '' }), 'line 2: "id" is empty'],
      [line({ ...good, preferred: 'A' }), 'line 2: "preferred" must be "a", "b" or "tie", found "A"'],
      [line({ ...good, preferred: 1 }), 'line 2: "preferred" must be "a", "b" or "tie", found number 1'],
      [line({ ...good, preferred: ['a'] }), 'line 2: "preferred" must be "a", "b" or "tie", found an array'],
      [line({ ...good, image_b: 'a.png' }), 'line 2: image_a and image_b are the same file "a.png"'],
      [line({ ...good, image_a: '/home/me/a.png' }), 'line 2: image_a "/home/me/a.png" is an absolute path; name the file relative to the images folder'],
      [line({ ...good, image_a: 'C:\\pics\\a.png' }), 'line 2: image_a "C:\\pics\\a.png" is an absolute path; name the file relative to the images folder'],
      [line({ ...good, image_b: 'https://x.org/b.png' }), 'line 2: image_b "https://x.org/b.png" is a URL; images are read from the folder you pick, so name the file in it'],
      [line({ ...good, image_b: 'data:text/html;base64,AAAA' }), 'line 2: image_b "data:text/html;base64,AAAA" is not an inline PNG, JPEG or WebP (data:image/…;base64,…)'],
      [line({ prompt: 'x', chosen: 'a.png', rejected: 'b.png', preferred: 'a' }), 'line 2: use either "chosen"/"rejected" or "image_a"/"image_b"/"preferred", not both'],
      [line({ prompt: 'x', chosen: 'a.png' }), 'line 2: missing field "rejected"'],
      [line({ ...good, score_a: 'high' }), 'line 2: "score_a" must be a number, found "high"'],
      [line({ ...good, image_a: '../a.png' }), 'line 2: image_a "../a.png" contains ".."; it must stay inside the images folder'],
      [line({ ...good, image_a: 'sub/../../a.png' }), 'line 2: image_a "sub/../../a.png" contains ".."; it must stay inside the images folder'],
      [line({ ...good, image_a: 'sub\\a.png' }), 'line 2: image_a "sub\\a.png" contains "\\"; use "/" between folders'],
      [line({ ...good, image_a: './a.png' }), 'line 2: image_a "./a.png" has an empty or "." folder name'],
      [line({ ...good, image_a: 'sub//a.png' }), 'line 2: image_a "sub//a.png" has an empty or "." folder name'],
    ];
    for (const [text, message] of cases) {
      const e = errorOf(text);
      expect(e.message, text).toBe(message);
      expect(e.line).toBe(2);
      expect(e.name).toBe('PairsFileError');
    }
  });

  it('refuses a reused id and a file with no pairs', () => {
    const e = errorOf(`${line({ ...good, id: 'p1' })}\n${line({ ...good, id: 'p1' })}`);
    expect(e.message).toBe('line 3: id "p1" is already used on line 2');
    expect(e.line).toBe(3);
    expect(() => parsePairs('# only a comment\n\n')).toThrow(new PairsFileError(0, 'the pairs file has no pairs (only blank or comment lines)'));
  });
});

describe('missingImages', () => {
  it('lists the lines whose files are not in the folder', () => {
    const pairs = parsePairs(
      [line(good), line({ ...good, id: 'two', image_a: 'c.png' }), line({ ...good, image_a: 'x.png', image_b: 'sub/y.png' })].join('\n'),
    );
    expect(missingImages(pairs, new Set(['a.png', 'b.png', 'sub/Y.png']))).toEqual([
      { line: 2, id: 'two', missing: ['c.png'] },
      { line: 3, missing: ['x.png', 'sub/y.png'] },
    ]);
    expect(missingImages(pairs, new Set(['a.png', 'b.png', 'c.png', 'x.png', 'sub/y.png']))).toEqual([]);
  });
});
