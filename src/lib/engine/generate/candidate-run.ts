// One "generate N and rank" run: encode the prompt once, make each candidate, score it with
// VP-Score as soon as it exists, keep it as a PNG (with its prompt, seed, steps, score and model ids
// in text chunks) rather than as float tensors, and report it. What a lost GPU device does to a
// run is engine.ts's business; this file only runs on the generator and scorer it is given.
import type { GenerateRequest } from './generate-request.ts';
import type { GeneratedImage, Generator } from './generator.ts';
import { encodePng } from '../image/png-encode.ts';
import type { Judge } from '../score/judge.ts';

export interface Candidate {
  index: number;
  seed: number;
  /** sha256 of the initial latents (see GeneratedImage.noiseHash). */
  noiseHash: string;
  steps: number;
  width: number;
  height: number;
  /** The image, PNG-compressed, with its metadata in iTXt chunks (what Download saves). */
  png: Uint8Array;
  reward?: number;
  score?: number;
  timings: { unetMs: number[]; vaeMs: number; scoreMs: number; pngMs: number };
}

export interface PromptTokens {
  tokenCount: number;
  maxTokens: number;
  truncated: boolean;
}

export type GenerateEvent =
  | { kind: 'prompt'; tokens: PromptTokens; textEncodeMs: number }
  | { kind: 'step'; index: number; step: number; steps: number }
  | { kind: 'candidate'; candidate: Candidate }
  | { kind: 'backend'; label: string; reason: string };

export interface RunContext {
  generator: Generator;
  scorer: Judge | null;
  signal: AbortSignal;
  emit: (e: GenerateEvent) => void;
}

/** Make candidates `from`…n-1; returns the ones finished (a cancel keeps them). */
export async function generateCandidates(
  ctx: RunContext,
  o: GenerateRequest,
  from: number,
): Promise<{ candidates: Candidate[]; cancelled: boolean }> {
  const { generator, scorer } = ctx;
  const enc = await generator.encodePrompt(o.prompt);
  const candidates: Candidate[] = [];
  try {
    const { tokenCount, maxTokens, truncated } = enc.tokens;
    ctx.emit({ kind: 'prompt', tokens: { tokenCount, maxTokens, truncated }, textEncodeMs: enc.textEncodeMs });
    const onImage = async (g: GeneratedImage) => {
      const t0 = performance.now();
      const scored = scorer ? await scorer.scoreImage(o.prompt, g.image) : undefined;
      const t1 = performance.now();
      const png = encodePng(g.image, pngText(o, g, generator, scorer, scored));
      const candidate: Candidate = {
        index: g.index,
        seed: g.seed,
        noiseHash: g.noiseHash,
        steps: o.steps,
        width: g.image.width,
        height: g.image.height,
        png,
        ...scored,
        timings: { ...g.timings, scoreMs: t1 - t0, pngMs: performance.now() - t1 },
      };
      ctx.emit({ kind: 'candidate', candidate }); // may throw (device lost): then it is made again
      candidates.push(candidate);
    };
    const onStep = (index: number, step: number, steps: number) => ctx.emit({ kind: 'step', index, step, steps });
    const r = await generator.generate({ ...o, from }, enc, { signal: ctx.signal, onStep, onImage });
    return { candidates, cancelled: r.cancelled };
  } finally {
    enc.hidden.dispose();
  }
}

function pngText(
  o: GenerateRequest,
  g: GeneratedImage,
  generator: Generator,
  scorer: Judge | null,
  scored?: { reward: number; score: number },
): Record<string, string> {
  return {
    Software: 'PrefLens',
    prompt: o.prompt,
    seed: String(g.seed),
    steps: String(o.steps),
    generator: `${generator.manifest.id} (${generator.variant})`,
    ...(scorer && scored
      ? { reward_model: scorer.id, score: scored.score.toFixed(6), reward: scored.reward.toFixed(6) }
      : {}),
  };
}
