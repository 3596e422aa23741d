// tokenizer.json in the exact layout of openai/clip-vit-large-patch14's (the tokenizer SD-Turbo's
// text encoder uses): NFC + whitespace-collapse + lowercase, CLIP's split regex, byte-level BPE with
// "</w>" word ends, <|startoftext|> … <|endoftext|> framing, and the two specials as the last ids.
// Only the merges differ: a few thousand learned from words.ts instead of CLIP's 48,894.
import { trainBpe } from './bpe-train.ts';
import { CORPUS_WORDS } from './words.ts';

export const BOS = '<|startoftext|>';
export const EOS = '<|endoftext|>';
/** Cap on merges; the corpus runs out of pairs before this (all its words become single tokens). */
const MAX_MERGES = 2500;
/** CLIP's pre-tokenizer pattern: specials, contractions, letter runs, single digits, symbol runs. */
const CLIP_SPLIT = "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";

const added = (id: number, content: string) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: true,
  special: true,
});

export interface ClipTokenizerJson {
  json: object;
  vocabSize: number;
  bosId: number;
  eosId: number;
}

export function buildClipTokenizerJson(): ClipTokenizerJson {
  const { vocab, merges } = trainBpe(CORPUS_WORDS, MAX_MERGES);
  const bosId = vocab.length;
  const eosId = bosId + 1;
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [added(bosId, BOS), added(eosId, EOS)],
    normalizer: {
      type: 'Sequence',
      normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [EOS, eosId],
      cls: [BOS, bosId],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: EOS,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries([...vocab, BOS, EOS].map((tok, id) => [tok, id])),
      merges,
    },
  };
  return { json, vocabSize: eosId + 1, bosId, eosId };
}
