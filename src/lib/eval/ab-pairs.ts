// A/B mode: which two candidates of a prompt to show next, and the user's choices as a small
// preference dataset. Pairs go prompt by prompt in run order, (0,1), (0,2), … (1,2), …; which image
// is on the left alternates by a hash of the pair so a habit of pressing ← does not line up with
// one candidate index.
import type { Preference } from './pairs.ts';
import type { EvalResult } from './eval-run.ts';

export interface AbPair {
  key: string;
  promptId: string;
  prompt: string;
  category: string;
  /** Shown left (a) and right (b). */
  a: EvalResult;
  b: EvalResult;
}

export interface AbChoice {
  /** `<runId>|<pair key>`: one choice per pair. */
  id: string;
  runId: string;
  pairKey: string;
  promptId: string;
  prompt: string;
  category: string;
  a: { k: number; seed: number; score: number };
  b: { k: number; seed: number; score: number };
  choice: Preference;
  at: number;
}

export const pairKey = (promptId: string, i: number, j: number) => `${promptId}#${i}-${j}`;

function leftFirst(key: string): boolean {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % 2 === 0;
}

export function nextPair(results: readonly EvalResult[], judged: ReadonlySet<string>): AbPair | null {
  const byPrompt = new Map<string, EvalResult[]>();
  for (const r of results) byPrompt.set(r.promptId, [...(byPrompt.get(r.promptId) ?? []), r]);
  for (const [promptId, rs] of byPrompt) {
    const c = [...rs].sort((x, y) => x.k - y.k);
    for (let i = 0; i < c.length; i++) {
      for (let j = i + 1; j < c.length; j++) {
        const key = pairKey(promptId, c[i].k, c[j].k);
        if (judged.has(key)) continue;
        const [a, b] = leftFirst(key) ? [c[i], c[j]] : [c[j], c[i]];
        return { key, promptId, prompt: a.prompt, category: a.category, a, b };
      }
    }
  }
  return null;
}

export function choiceOf(runId: string, pair: AbPair, choice: Preference, at = Date.now()): AbChoice {
  const side = (r: EvalResult) => ({ k: r.k, seed: r.seed, score: r.score });
  return {
    id: `${runId}|${pair.key}`, runId, pairKey: pair.key, promptId: pair.promptId, prompt: pair.prompt,
    category: pair.category, a: side(pair.a), b: side(pair.b), choice, at,
  };
}

/**
 * The choices as JSONL that loads back as a pairs file (eval/pairs.ts) and that a DPO trainer takes:
 * a decided pair is {prompt, chosen, rejected}, a tie {prompt, image_a, image_b, preferred: "tie"};
 * with the category, VP-Score's scores and the seeds; images inline as PNG data URLs so the file
 * stands alone.
 */
export function choicesJsonl(choices: readonly AbChoice[], pngOf: (promptId: string, k: number) => Uint8Array | undefined): string {
  const dataUrl = (promptId: string, k: number) => {
    const png = pngOf(promptId, k);
    return png ? `data:image/png;base64,${base64(png)}` : null;
  };
  return choices.map((c) => {
    if (c.choice === 'tie') {
      return JSON.stringify({
        prompt: c.prompt, category: c.category, image_a: dataUrl(c.promptId, c.a.k), image_b: dataUrl(c.promptId, c.b.k),
        preferred: 'tie', score_a: c.a.score, score_b: c.b.score, seed_a: c.a.seed, seed_b: c.b.seed,
      });
    }
    const [win, lose] = c.choice === 'a' ? [c.a, c.b] : [c.b, c.a];
    return JSON.stringify({
      prompt: c.prompt, category: c.category, chosen: dataUrl(c.promptId, win.k), rejected: dataUrl(c.promptId, lose.k),
      score_chosen: win.score, score_rejected: lose.score, seed_chosen: win.seed, seed_rejected: lose.seed,
    });
  }).join('\n') + (choices.length ? '\n' : '');
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
