// BLIP's tokenizer as a Hugging Face tokenizer.json, from bert-base-uncased's vocab.txt: WordPiece
// with [DEC] and [ENC] appended as ids 30522 and 30523 (BLIP's init_tokenizer adds them in that
// order). The same file the Python exporter writes (tools/vp_tokenizer.py: the reference, and the
// test's oracle); bert-tokenizer.ts loads it.
import { CheckpointError } from '../errors.ts';

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const ADDED = ['[DEC]', '[ENC]'];

/** vocab.txt's lines, checked: no duplicates, BERT's special tokens present, BLIP's not yet added. */
export function readBertVocab(text: string, source: string): string[] {
  const vocab = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (vocab.length && vocab[vocab.length - 1] === '') vocab.pop();
  const seen = new Map<string, number>();
  for (const [i, tok] of vocab.entries()) {
    if (seen.has(tok)) throw new CheckpointError(`${source}: token "${tok}" appears on lines ${seen.get(tok)! + 1} and ${i + 1}`);
    seen.set(tok, i);
  }
  const missing = SPECIALS.filter((s) => !seen.has(s));
  if (missing.length) throw new CheckpointError(`${source}: not a BERT vocab, missing ${missing.join(', ')}`);
  for (const tok of ADDED) {
    if (seen.has(tok)) throw new CheckpointError(`${source}: already contains ${tok}; expected the plain bert-base-uncased vocab.txt`);
  }
  return vocab;
}

const added = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });

export function blipTokenizerJson(vocab: readonly string[]): object {
  const ids = Object.fromEntries(vocab.map((tok, i) => [tok, i]));
  const addedTokens = [...SPECIALS.map((t) => added(t, ids[t])), ...ADDED.map((t, k) => added(t, vocab.length + k))]
    .sort((a, b) => a.id - b.id);
  const special = (t: string) => ({ id: t, ids: [ids[t]], tokens: [t] });
  const cls = { SpecialToken: { id: '[CLS]', type_id: 0 } };
  const sep = { SpecialToken: { id: '[SEP]', type_id: 0 } };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep],
      pair: [cls, { Sequence: { id: 'A', type_id: 0 } }, sep, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}
