// What a "generate N and rank" run takes: the request, its limits, its validation and the seed of
// each candidate, stated once. onnxruntime-free, so the page (Generate form, share links, the
// Evaluate form) imports it without pulling the runtime into its bundle, and the engine validates
// with the very same rules.
import { RequestError } from '../errors.ts';
import { assertSeed } from './gaussian-noise.ts';

export interface GenerateRequest {
  prompt: string;
  /** Candidates to make: indices `from` … n-1. */
  n: number;
  seed: number;
  /** Denoising steps (SD-Turbo is distilled for 1–4). */
  steps: number;
  /** First candidate to make (a run resumed after a GPU device loss starts past the finished ones). */
  from?: number;
}

export type LimitedField = 'n' | 'seed' | 'steps';

/** Whole-number ranges of the numeric fields, and how each is named to the user. */
export const LIMITS: Readonly<Record<LimitedField, { min: number; max: number; label: string; what: string }>> = {
  n: { min: 1, max: 16, label: 'N', what: 'candidates to make' },
  seed: { min: 0, max: 0xffffffff, label: 'the seed', what: "the run's seed" },
  steps: { min: 1, max: 4, label: 'steps', what: 'denoising steps' },
};

export const MAX_CANDIDATES = LIMITS.n.max;
export const MIN_STEPS = LIMITS.steps.min;
export const MAX_STEPS = LIMITS.steps.max;
export const MAX_SEED = LIMITS.seed.max;
/** Every allowed step count, for a picker. */
export const STEP_CHOICES: readonly number[] = Array.from({ length: MAX_STEPS - MIN_STEPS + 1 }, (_, i) => MIN_STEPS + i);
/** Steps when none is given (the form's default, and SD-Turbo's one-step mode). */
export const DEFAULT_STEPS = 1;

export function inLimits(field: LimitedField, v: number): boolean {
  return Number.isInteger(v) && v >= LIMITS[field].min && v <= LIMITS[field].max;
}

/** "N must be a whole number from 1 to 16" (the form adds a full stop, the engine the bad value). */
export function limitMessage(field: LimitedField): string {
  const { min, max, label } = LIMITS[field];
  const text = `${label} must be a whole number from ${min} to ${max}`;
  return text[0].toUpperCase() + text.slice(1);
}

/** Throws RequestError naming the first value outside its limits. */
export function validateRequest(r: GenerateRequest): void {
  for (const field of ['n', 'steps', 'seed'] as const) {
    if (!inLimits(field, r[field])) throw new RequestError(`${limitMessage(field)}, got ${r[field]}`);
  }
  if (r.from !== undefined && (!Number.isInteger(r.from) || r.from < 0 || r.from >= r.n)) {
    throw new RequestError(`"from" must be a candidate index below N, got ${r.from}`);
  }
}

/**
 * The seed of candidate `index` in a batch started from `baseSeed`: (baseSeed + index) mod 2^32.
 * Each candidate gets its own generator rather than a slice of one long stream, so any single
 * candidate can be regenerated from its own seed alone (and shown to the user as that seed).
 */
export function candidateSeed(baseSeed: number, index: number): number {
  assertSeed(baseSeed, 'base seed');
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`candidate index must be a non-negative integer, got ${index}`);
  }
  return (baseSeed + index) % (MAX_SEED + 1);
}

/** A fresh uint32 seed from the platform CSPRNG (window, worker and Node all have `crypto`). */
export function randomSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0];
}
