// Sums per-candidate stage timings of generation runs into per-candidate means (shared by the
// Chromium page and the Node side of the benchmark, so both paths are summarized alike).
import type { Candidate } from '../src/lib/engine/generate/candidate-run.ts';

export interface Accumulator {
  candidates: number;
  textMs: number;
  unetMs: number;
  unetSteps: number;
  vaeMs: number;
  scoreMs: number;
  pngMs: number;
}

export const newAccumulator = (): Accumulator => ({ candidates: 0, textMs: 0, unetMs: 0, unetSteps: 0, vaeMs: 0, scoreMs: 0, pngMs: 0 });

export function addCandidate(a: Accumulator, t: Candidate['timings']): void {
  a.candidates++;
  a.unetMs += t.unetMs.reduce((x, y) => x + y, 0);
  a.unetSteps += t.unetMs.length;
  a.vaeMs += t.vaeMs;
  a.scoreMs += t.scoreMs;
  a.pngMs += t.pngMs;
}

export function summarize(a: Accumulator, wallMs: number) {
  const per = (x: number) => x / Math.max(1, a.candidates);
  return {
    candidates: a.candidates,
    textMs: per(a.textMs),
    unetStepMs: a.unetMs / Math.max(1, a.unetSteps),
    vaeMs: per(a.vaeMs),
    scoreMs: per(a.scoreMs),
    pngMs: per(a.pngMs),
    wallMsPerCandidate: per(wallMs),
  };
}
