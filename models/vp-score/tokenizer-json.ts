// A bert-base-uncased-shaped tokenizer.json, small but with the real special-token ids, so the
// app's tokenizer code is exercised on the same layout as the real model folder's file.
import { VOCAB_SIZE } from './config.ts';
import { PROMPT_WORDS, SUFFIXES } from './vocab-words.ts';

/** Real bert-base-uncased ids; [DEC]/[ENC] are the two tokens BLIP adds on top. */
export const SPECIAL_IDS = { '[PAD]': 0, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102, '[MASK]': 103, '[DEC]': 30522, '[ENC]': 30523 } as const;
/** In bert-base-uncased, ids 999… start with the single characters; the layout is mirrored here. */
const FIRST_FREE_ID = 999;
const CHARS = [...'abcdefghijklmnopqrstuvwxyz0123456789', ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];

/** Ordered vocabulary, index = id. Anything not placed gets "[unusedN]" as in BERT. */
export function buildVocab(): string[] {
  const vocab: (string | undefined)[] = new Array(VOCAB_SIZE);
  for (const [tok, id] of Object.entries(SPECIAL_IDS)) vocab[id] = tok;
  const pieces = [...CHARS, ...CHARS.map((c) => `##${c}`), ...PROMPT_WORDS, ...SUFFIXES.map((s) => `##${s}`)];
  const seen = new Set<string>(Object.keys(SPECIAL_IDS));
  let id = FIRST_FREE_ID;
  for (const p of pieces) {
    if (seen.has(p)) continue; // a word may also be a single char ("a") or listed twice
    seen.add(p);
    vocab[id++] = p;
  }
  let unused = 0;
  for (let i = 0; i < VOCAB_SIZE; i++) if (vocab[i] === undefined) vocab[i] = `[unused${unused++}]`;
  return vocab as string[];
}

const added = (content: string, id: number) => ({
  id,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
});

/** The tokenizer.json object, in the layout HF `tokenizers` serialises for bert-base-uncased. */
export function buildTokenizerJson(): object {
  const vocab = buildVocab();
  const special = (tok: keyof typeof SPECIAL_IDS) => ({ id: tok, ids: [SPECIAL_IDS[tok]], tokens: [tok] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: Object.entries(SPECIAL_IDS).map(([tok, id]) => added(tok, id)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((tok, id) => [tok, id])),
    },
  };
}
