// The Evaluate form's numbers, checked with Generate's rules (engine/generate/generate-request.ts):
// the first problem in words, or null. Nothing is clamped or wrapped: a run records exactly the
// seed and prompt count it was made with, so its images can be made again.
import { inLimits, limitMessage, LIMITS } from '../engine/generate/generate-request.ts';

export interface EvalForm {
  /** How many prompts of the set (the first ones). */
  limit: unknown;
  k: unknown;
  seed: unknown;
}

export function evalFormProblem(f: EvalForm, promptCount: number): string | null {
  const limit = f.limit as number;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= promptCount)) return `Prompts must be a whole number from 1 to ${promptCount}.`;
  if (!inLimits('n', f.k as number)) return `K must be a whole number from ${LIMITS.n.min} to ${LIMITS.n.max}.`;
  if (!inLimits('seed', f.seed as number)) return `${limitMessage('seed')}.`;
  return null;
}
