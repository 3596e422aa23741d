"""VP-Score's tokenizer files, without the `tokenizers` / `transformers` packages.

tokenizer_json() writes the Hugging Face tokenizers JSON of BLIP's tokenizer (bert-base-uncased
WordPiece + bos '[DEC]' and additional special '[ENC]', appended as ids 30522/30523), in the same
layout as models/vp-score/tokenizer-json.ts, which src/lib/engine/text/bert-tokenizer.ts loads.

encode_whole_words() is NOT a WordPiece: the Python reference scorer only needs prompts made of
lowercase ASCII words that are whole vocab entries (the test prompts are chosen that way), so a
plain lookup gives the same ids as the real tokenizer and anything else is refused.
"""
from __future__ import annotations

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
ADDED = ['[DEC]', '[ENC]']  # BLIP init_tokenizer(): add_special_tokens bos '[DEC]', then '[ENC]'


def read_vocab(path: str) -> list:
    with open(path, encoding='utf-8') as f:
        vocab = [line.rstrip('\n').rstrip('\r') for line in f]
    while vocab and vocab[-1] == '':
        vocab.pop()  # trailing newline(s)
    seen = {}
    for i, tok in enumerate(vocab):
        if tok in seen:
            raise ValueError(f'{path}: token {tok!r} appears on lines {seen[tok] + 1} and {i + 1}')
        seen[tok] = i
    missing = [s for s in SPECIALS if s not in seen]
    if missing:
        raise ValueError(f'{path}: not a BERT vocab, missing {", ".join(missing)}')
    for tok in ADDED:
        if tok in seen:
            raise ValueError(f'{path}: already contains {tok}; expected the plain bert-base-uncased vocab.txt')
    return vocab


def _added(tok: str, i: int) -> dict:
    return {'id': i, 'content': tok, 'single_word': False, 'lstrip': False, 'rstrip': False,
            'normalized': False, 'special': True}


def tokenizer_json(vocab: list) -> dict:
    ids = {tok: i for i, tok in enumerate(vocab)}
    added = [_added(t, ids[t]) for t in SPECIALS] + [_added(t, len(vocab) + k) for k, t in enumerate(ADDED)]
    added.sort(key=lambda a: a['id'])
    special = lambda t: {'id': t, 'ids': [ids[t]], 'tokens': [t]}  # noqa: E731
    cls, sep = {'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': True, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [cls, {'Sequence': {'id': 'A', 'type_id': 0}}, sep],
            'pair': [cls, {'Sequence': {'id': 'A', 'type_id': 0}}, sep,
                     {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {'[CLS]': special('[CLS]'), '[SEP]': special('[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': ids},
    }


def encode_whole_words(prompt: str, vocab: list, max_length: int = 35) -> tuple:
    """(input_ids, attention_mask) like tokenizer(prompt, padding='max_length', truncation=True,
    max_length=35) for prompts of whole-vocab lowercase ASCII words only."""
    ids = {tok: i for i, tok in enumerate(vocab)}
    words = prompt.split()
    bad = [w for w in words if not (w.isascii() and w.isalnum() and w == w.lower() and w in ids)]
    if bad or not words:
        raise ValueError(f'reference tokenizer only handles whole-vocab lowercase words; cannot encode {bad or prompt!r}')
    body = [ids[w] for w in words][: max_length - 2]
    framed = [ids['[CLS]'], *body, ids['[SEP]']]
    pad = max_length - len(framed)
    return framed + [ids['[PAD]']] * pad, [1] * len(framed) + [0] * pad
