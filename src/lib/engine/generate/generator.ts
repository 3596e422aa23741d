// A generator: any text-to-image kind (kinds/registry.ts). A generation run (candidate-run.ts)
// encodes the prompt once, then asks for candidates, each handed over as soon as it is decoded.
import type { RgbImage } from '../image/rgb-image.ts';
import type { Tensor } from '../runtime/ort-session.ts';
import type { ClipTokens } from '../text/clip-tokenizer.ts';
import type { GenerateRequest } from './generate-request.ts';

export interface CandidateTimings {
  unetMs: number[];
  vaeMs: number;
}

export interface GeneratedImage {
  index: number;
  seed: number;
  /** sha256 of the candidate's initial N(0,1) latents (float32 bytes): the same seed gives the
   * same hash in Node and in any browser, which is what makes a seed reproducible. */
  noiseHash: string;
  image: RgbImage;
  timings: CandidateTimings;
}

export interface GenerateHooks {
  signal?: AbortSignal;
  onStep?: (index: number, step: number, steps: number) => void;
  /** Called as each candidate is decoded; awaited, so scoring it happens before the next starts. */
  onImage?: (img: GeneratedImage) => Promise<void> | void;
}

export interface PromptEncoding {
  tokens: ClipTokens;
  hidden: Tensor;
  textEncodeMs: number;
}

export interface Generator {
  readonly manifest: { id: string; name: string; imageSize: number };
  /** The dtype variant and decoder it runs ('full' or its fast 'preview' one). */
  readonly variant: string;
  readonly decoderChoice: 'full' | 'preview';
  tokenize(prompt: string): ClipTokens;
  encodePrompt(prompt: string): Promise<PromptEncoding>;
  /** Candidates `req.from ?? 0`…n-1; a cancel (hooks.signal) stops between steps and keeps what is done. */
  generate(req: GenerateRequest, enc: PromptEncoding, hooks?: GenerateHooks): Promise<{ done: number; cancelled: boolean }>;
  release(): Promise<void>;
}
