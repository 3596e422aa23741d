// Scoring a labelled pairs file: each prompt's images are scored once (a pairs file often pairs the
// same image several times), on whatever EngineApi the caller has — the worker client in the app,
// the engine in Node — and each pair gets its two scores back.
import type { EngineApi, ImageInput } from '../engine/engine-api.ts';
import type { ScoredPair } from './accuracy.ts';
import { isInlineImage, type LabelledPair } from './pairs.ts';

export type ImageFile = ImageInput;

export interface PairScores extends ScoredPair {
  line: number;
  prompt: string;
  imageA: string;
  imageB: string;
}

export interface PairScoring {
  scored: PairScores[];
  /** Pairs left out because an image is missing or could not be scored, with why. */
  skipped: { line: number; reason: string }[];
}

export async function scorePairs(
  pairs: readonly LabelledPair[],
  files: ReadonlyMap<string, ImageFile>,
  engine: Pick<EngineApi, 'score'>,
  onProgress?: (done: number, total: number) => void,
): Promise<PairScoring> {
  const byPrompt = new Map<string, Set<string>>();
  for (const p of pairs) byPrompt.set(p.prompt, (byPrompt.get(p.prompt) ?? new Set()).add(p.imageA).add(p.imageB));
  const scores = new Map<string, number | string>(); // `${prompt}\n${image}` → score, or why not
  let done = 0;
  for (const [prompt, names] of byPrompt) {
    const present = [...names].filter((n) => files.has(n));
    for (const n of names) if (!files.has(n)) scores.set(`${prompt}\n${n}`, `${n} is not in the folder`);
    if (present.length) {
      const { results } = await engine.score({ prompt, images: present.map((n) => files.get(n)!) });
      // By position, not by the result's name: that is the bare file name, and pairs name images by
      // their path in the folder (modelA/0.png and modelB/0.png are two images).
      results.forEach((r, i) => scores.set(`${prompt}\n${present[i]}`, r.score ?? `${present[i]}: ${r.error?.message ?? 'not scored'}`));
    }
    done++;
    onProgress?.(done, byPrompt.size);
  }
  const scored: PairScores[] = [];
  const skipped: PairScoring['skipped'] = [];
  for (const p of pairs) {
    const a = scores.get(`${p.prompt}\n${p.imageA}`);
    const b = scores.get(`${p.prompt}\n${p.imageB}`);
    if (typeof a !== 'number' || typeof b !== 'number') {
      skipped.push({ line: p.line, reason: [a, b].filter((x) => typeof x === 'string').join('; ') });
      continue;
    }
    scored.push({ line: p.line, prompt: p.prompt, imageA: p.imageA, imageB: p.imageB, preferred: p.preferred, scoreA: a, scoreB: b, ...(p.category ? { category: p.category } : {}) });
  }
  return { scored, skipped };
}

/**
 * The picked folder's files plus the images given inline in the pairs file (the A/B export's
 * data: URLs), all by the name the pairs use.
 */
export function withInlineImages(pairs: readonly LabelledPair[], files: ReadonlyMap<string, ImageFile>): Map<string, ImageFile> {
  const all = new Map(files);
  for (const p of pairs) {
    for (const [image, side] of [[p.imageA, 'a'], [p.imageB, 'b']] as const) {
      if (!isInlineImage(image) || all.has(image)) continue;
      // A File, not a plain object: the app sends it to the engine's worker, which clones it.
      const bytes = Uint8Array.from(atob(image.slice(image.indexOf(',') + 1)), (ch) => ch.charCodeAt(0));
      all.set(image, new File([bytes], `line ${p.line}, image ${side}`, { type: image.slice(5, image.indexOf(';')) }));
    }
  }
  return all;
}
