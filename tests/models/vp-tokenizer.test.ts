// The generated tokenizer.json, through the same library the app uses (@huggingface/tokenizers).
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { VOCAB_SIZE } from '../../models/vp-score/config.ts';
import { buildTokenizerJson, buildVocab } from '../../models/vp-score/tokenizer-json.ts';
import { CALIBRATION_PROMPTS, encodePrompts } from '../../models/vp-score/synthetic.ts';

const tok = new Tokenizer(buildTokenizerJson(), {});

describe('tiny BERT tokenizer.json', () => {
  it('lowercases, strips accents, splits punctuation and word pieces, frames with [CLS]/[SEP]', () => {
    const enc = tok.encode('A Green-colored CAT, café!');
    expect(enc.tokens).toEqual(['[CLS]', 'a', 'green', '-', 'color', '##ed', 'cat', ',', 'c', '##a', '##f', '##e', '!', '[SEP]']);
    expect(enc.ids[0]).toBe(101);
    expect(enc.ids.at(-1)).toBe(102);
    expect(tok.decode(enc.ids, { skip_special_tokens: true })).toBe('a green - colored cat, cafe!');
  });

  it('keeps the real bert-base-uncased special ids and BLIP’s [DEC]/[ENC]', () => {
    const ids = Object.fromEntries(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', '[DEC]', '[ENC]'].map((t) => [t, tok.token_to_id(t)]));
    expect(ids).toEqual({ '[PAD]': 0, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102, '[MASK]': 103, '[DEC]': 30522, '[ENC]': 30523 });
    const vocab = buildVocab();
    expect(vocab).toHaveLength(VOCAB_SIZE);
    expect(new Set(vocab).size).toBe(VOCAB_SIZE);
    expect(tok.get_vocab().size).toBe(VOCAB_SIZE);
    expect(tok.encode('猫').tokens).toEqual(['[CLS]', '[UNK]', '[SEP]']);
  });

  it('frames prompts to 35 slots with padding and truncation', () => {
    const { ids, mask } = encodePrompts(buildTokenizerJson(), CALIBRATION_PROMPTS);
    const row = (a: BigInt64Array, r: number) => Array.from(a.subarray(r * 35, (r + 1) * 35), Number);
    const blue = CALIBRATION_PROMPTS.indexOf('blue');
    expect(row(ids, blue).slice(0, 4)).toEqual([101, tok.token_to_id('blue'), 102, 0]);
    expect(row(mask, blue).reduce((a, b) => a + b)).toBe(3);
    const long = CALIBRATION_PROMPTS.length - 1;
    expect(row(mask, long).every((m) => m === 1)).toBe(true);
    expect(row(ids, long)[34]).toBe(102);
  });
});
