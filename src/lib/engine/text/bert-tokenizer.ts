// VP-Score's prompt tokenizer: bert-base-uncased WordPiece (plus [DEC]/[ENC]) as ImageReward calls it,
// `tokenizer(prompt, padding='max_length', truncation=True, max_length=35)`. The WordPiece itself
// (normalizer: lowercase, strip accents, split punctuation) is @huggingface/tokenizers reading the
// model folder's tokenizer.json; this file only adds the fixed-length framing the graph needs.
import { Tokenizer } from '@huggingface/tokenizers';
import { EmptyPromptError, ModelFileError } from '../errors.ts';

export interface TokenizedPrompt {
  /** [CLS] + up to maxLength-2 tokens + [SEP], padded with [PAD]=0: int64 [maxLength]. */
  inputIds: BigInt64Array;
  /** 1 for real tokens (incl. [CLS]/[SEP]), 0 for padding: int64 [maxLength]. */
  attentionMask: BigInt64Array;
  /** Word pieces in the prompt before truncation (without [CLS]/[SEP]). */
  pieceCount: number;
  /** True when pieces were dropped to fit maxLength; the UI shows a notice. */
  truncated: boolean;
  /** The pieces that were kept, for display. */
  keptPieces: string[];
}

export class BertPromptTokenizer {
  readonly #tok: Tokenizer;
  readonly #cls: number;
  readonly #sep: number;
  readonly #pad: number;

  constructor(tokenizerJson: unknown, readonly maxLength = 35) {
    try {
      this.#tok = new Tokenizer(tokenizerJson as object, {});
    } catch (e) {
      throw new ModelFileError(`tokenizer.json could not be loaded: ${(e as Error).message}`);
    }
    const id = (t: string): number => {
      const v = this.#tok.token_to_id(t);
      if (v === undefined) throw new ModelFileError(`tokenizer.json has no ${t} token; is it a BERT WordPiece tokenizer?`);
      return v;
    };
    this.#cls = id('[CLS]');
    this.#sep = id('[SEP]');
    this.#pad = id('[PAD]');
  }

  encode(prompt: string): TokenizedPrompt {
    if (!prompt.trim()) throw new EmptyPromptError();
    const enc = this.#tok.encode(prompt, { add_special_tokens: false });
    const room = this.maxLength - 2;
    const ids = enc.ids.slice(0, room);
    const inputIds = new BigInt64Array(this.maxLength).fill(BigInt(this.#pad));
    const attentionMask = new BigInt64Array(this.maxLength);
    const framed = [this.#cls, ...ids, this.#sep];
    framed.forEach((v, i) => {
      inputIds[i] = BigInt(v);
      attentionMask[i] = 1n;
    });
    return {
      inputIds,
      attentionMask,
      pieceCount: enc.ids.length,
      truncated: enc.ids.length > room,
      keptPieces: enc.tokens.slice(0, room),
    };
  }
}
