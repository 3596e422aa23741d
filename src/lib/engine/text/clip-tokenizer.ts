// The diffusion text encoder's tokenizer: CLIP byte-level BPE, read from the family's tokenizer.json
// by @huggingface/tokenizers. Framing: <|startoftext|> + up to maxTokens-2 tokens + <|endoftext|>,
// then padded to maxTokens with `padId` when the family asks for it: SD-Turbo was trained on 77
// tokens padded with "!" (id 0, SD 2.x's tokenizer config), which diffusers and the public
// onnxruntime-web demo both feed. (The demo's "77 gives a bad image" remark is about fixing the
// sequence dimension in freeDimensionOverrides, not about padding.) The encoder wants int32 ids.
import { Tokenizer } from '@huggingface/tokenizers';
import { EmptyPromptError, ModelFileError } from '../errors.ts';

export interface ClipTokens {
  /** int32 [L], L = kept tokens + 2. */
  inputIds: Int32Array;
  /** BPE tokens in the prompt before truncation (without start/end). */
  tokenCount: number;
  maxTokens: number;
  truncated: boolean;
}

export class ClipPromptTokenizer {
  readonly #tok: Tokenizer;
  readonly #bos: number;
  readonly #eos: number;

  constructor(tokenizerJson: unknown, readonly maxLength = 77, readonly padId?: number) {
    try {
      this.#tok = new Tokenizer(tokenizerJson as object, {});
    } catch (e) {
      throw new ModelFileError(`the CLIP tokenizer.json could not be loaded: ${(e as Error).message}`);
    }
    const id = (t: string): number => {
      const v = this.#tok.token_to_id(t);
      if (v === undefined) throw new ModelFileError(`tokenizer.json has no ${t} token; is it a CLIP BPE tokenizer?`);
      return v;
    };
    this.#bos = id('<|startoftext|>');
    this.#eos = id('<|endoftext|>');
  }

  encode(prompt: string): ClipTokens {
    if (!prompt.trim()) throw new EmptyPromptError();
    const ids = this.#tok.encode(prompt, { add_special_tokens: false }).ids;
    const room = this.maxLength - 2;
    const kept = ids.slice(0, room);
    const framed = [this.#bos, ...kept, this.#eos];
    const pad = this.padId === undefined ? [] : new Array<number>(this.maxLength - framed.length).fill(this.padId);
    return {
      inputIds: Int32Array.from([...framed, ...pad]),
      tokenCount: ids.length,
      maxTokens: room,
      truncated: ids.length > room,
    };
  }
}
