// tokenizer.json from a vocab.txt, against the Python exporter's own (tools/vp_tokenizer.py) on the
// same file; and the vocab files it must refuse.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../../../src/lib/engine/errors.ts';
import { blipTokenizerJson, readBertVocab } from '../../../src/lib/engine/text/blip-tokenizer-json.ts';

const PY = '/usr/bin/python3';
const TOOLS = resolve(import.meta.dirname, '../../../tools');
const exec = promisify(execFile);

describe('BLIP tokenizer.json from vocab.txt', () => {
  it('is the Python exporter\'s, key for key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflens-vocab-'));
    const vocabPath = join(dir, 'vocab.txt');
    await exec(PY, [join(TOOLS, 'make_test_checkpoint.py'), '--out', join(dir, 'c.pt'), '--vocab-out', vocabPath]);
    const code = `import json, sys; sys.path.insert(0, ${JSON.stringify(TOOLS)})
from vp_tokenizer import read_vocab, tokenizer_json
print(json.dumps(tokenizer_json(read_vocab(${JSON.stringify(vocabPath)}))))`;
    const python = JSON.parse((await exec(PY, ['-c', code], { maxBuffer: 64 << 20 })).stdout);
    const ours = blipTokenizerJson(readBertVocab(readFileSync(vocabPath, 'utf8'), 'vocab.txt'));
    expect(ours).toEqual(python);
    expect((ours as { added_tokens: { id: number; content: string }[] }).added_tokens.slice(-2)).toMatchObject(
      [{ id: 30522, content: '[DEC]' }, { id: 30523, content: '[ENC]' }]);
  }, 60_000);

  it('refuses a vocab with a duplicate, without BERT\'s specials, or with BLIP\'s already added', () => {
    const base = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'cat'];
    const bad = (lines: string[], pattern: RegExp) => {
      expect(() => readBertVocab(lines.join('\n'), 'v.txt')).toThrow(CheckpointError);
      expect(() => readBertVocab(lines.join('\n'), 'v.txt')).toThrow(pattern);
    };
    bad([...base, 'cat'], /token "cat" appears on lines 6 and 7/);
    bad(base.slice(1), /not a BERT vocab, missing \[PAD\]/);
    bad([...base, '[DEC]'], /already contains \[DEC\]/);
    expect(readBertVocab(`${base.join('\r\n')}\r\n\n`, 'v.txt')).toEqual(base);
  });
});
