// The generated CLIP tokenizer.json, through the library the app uses (@huggingface/tokenizers):
// CLIP's layout and id scheme, whole-word tokens for known words, byte-level pieces for the rest.
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { byteLevelAlphabet } from '../../models/sd-tiny/bpe-train.ts';
import { BOS, buildClipTokenizerJson, EOS } from '../../models/sd-tiny/tokenizer-json.ts';

const built = buildClipTokenizerJson();
const json = built.json as {
  normalizer: object;
  pre_tokenizer: object;
  post_processor: object;
  added_tokens: { id: number; content: string }[];
  model: { type: string; vocab: Record<string, number>; merges: string[]; end_of_word_suffix: string; unk_token: string };
};
const tok = new Tokenizer(built.json, {});

describe('tiny CLIP tokenizer.json', () => {
  it('frames a prompt with <|startoftext|> … <|endoftext|> and keeps known words whole', () => {
    const enc = tok.encode('A Green  colored CAT');
    expect(enc.ids[0]).toBe(built.bosId);
    expect(enc.ids.at(-1)).toBe(built.eosId);
    expect(enc.tokens.slice(0, 3)).toEqual([BOS, 'a</w>', 'green</w>']);
    expect(enc.tokens.at(-2)).toBe('cat</w>');
    // "colored" is not in the corpus: several pieces, the last one ending the word.
    const colored = enc.tokens.slice(3, -2);
    expect(colored.length).toBeGreaterThan(1);
    expect(colored.join('')).toBe('colored</w>');
    expect(colored.some((t) => t.replace('</w>', '').length > 1)).toBe(true);
    expect(tok.decode(enc.ids, { skip_special_tokens: true })).toBe('a green colored cat');
  });

  it('falls back to byte-level pieces, never an unknown token', () => {
    for (const text of ['zyxqu', 'café 日本 ✨', 'x7-y!']) {
      const { ids, tokens } = tok.encode(text, { add_special_tokens: false });
      expect(ids.length).toBeGreaterThan(0);
      expect(ids.every((id) => id < built.bosId)).toBe(true); // the unk token is <|endoftext|>
      // Every byte survives (the decoder turns each "</w>" into a space, as CLIP's does).
      const squash = (s: string) => s.replace(/\s+/g, '');
      expect(squash(tok.decode(ids))).toBe(squash(text.toLowerCase()));
      if (text === 'zyxqu') expect(tokens.join('')).toBe('zyxqu</w>');
    }
  });

  it('has CLIP’s id layout: 256 bytes, the same with </w>, merges in order, then the two specials', () => {
    const vocab = json.model.vocab;
    const { order } = byteLevelAlphabet();
    expect(order).toHaveLength(256);
    expect(new Set(order).size).toBe(256);
    expect([vocab['!'], vocab['~'], vocab['!</w>'], vocab['Ā']]).toEqual([0, 93, 256, 188]); // as in CLIP's vocab.json
    order.forEach((c, i) => {
      expect(vocab[c]).toBe(i);
      expect(vocab[`${c}</w>`]).toBe(256 + i);
    });
    const ids = Object.values(vocab).sort((a, b) => a - b);
    expect(ids).toEqual(ids.map((_, i) => i)); // dense
    expect(built.vocabSize).toBe(ids.length);
    expect(built.vocabSize).toBeGreaterThanOrEqual(1500);
    expect(built.vocabSize).toBeLessThanOrEqual(3000);
    expect([vocab[BOS], vocab[EOS]]).toEqual([built.vocabSize - 2, built.vocabSize - 1]);
    expect(json.added_tokens.map((t) => [t.content, t.id])).toEqual([
      [BOS, built.bosId],
      [EOS, built.eosId],
    ]);
    for (const m of json.model.merges.slice(0, 50)) expect(vocab[m.replace(' ', '')]).toBeGreaterThanOrEqual(512);
    expect(tok.get_vocab().size).toBe(built.vocabSize);
  });

  it('uses openai/clip-vit-large-patch14’s normalizer, pre-tokenizer, model and post-processor', () => {
    expect(json.normalizer).toEqual({
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    });
    expect(json.pre_tokenizer).toMatchObject({
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, use_regex: false },
      ],
    });
    expect(json.post_processor).toMatchObject({ type: 'RobertaProcessing', cls: [BOS, built.bosId], sep: [EOS, built.eosId] });
    expect(json.model).toMatchObject({ type: 'BPE', end_of_word_suffix: '</w>', unk_token: EOS, continuing_subword_prefix: '', fuse_unk: false });
    // CLIP's split regex: digits one by one, contractions apart, a punctuation run as one word.
    expect(tok.encode("it's 42!!", { add_special_tokens: false }).tokens).toEqual(['it</w>', "'", 's</w>', '4</w>', '2</w>', '!', '!</w>']);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(buildClipTokenizerJson().json)).toBe(JSON.stringify(built.json));
  });
});
