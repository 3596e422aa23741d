// A share link `?prompt=…&n=…&seed=…&steps=…` reproduces a Generate run: candidate i of seed s is
// made from candidateSeed(s, i), so the same four values give the same images and scores (on the
// same backend and dtype variant, which the link carries when they were forced).
//
// Pure (URL/URLSearchParams only) so Node tests cover it. The limits are the engine's own
// (generate-request.ts, which has no onnxruntime in it).
import { DEFAULT_STEPS, LIMITS, type GenerateRequest } from '../engine/generate/generate-request.ts';

export type ShareParams = Omit<GenerateRequest, 'from'>;

/** Settings a link may carry besides the run, because they change the pixels (see file comment). */
export interface ShareExtras {
  backend?: string;
  variant?: string;
}

export interface ParsedShare {
  /** Every value that was valid: the form takes these even when others are not. */
  values: Partial<ShareParams>;
  /** One message per bad parameter, each naming it; empty when the link can run. */
  errors: string[];
  /** The complete request when there are no errors (what is auto-run). */
  request: ShareParams | null;
}

const RUN_KEYS = ['prompt', 'n', 'seed', 'steps'] as const;

/**
 * Read a share link from a query string (`location.search`) or its params. Returns null when the
 * URL has none of prompt/n/seed/steps (an ordinary visit). Nothing is clamped or defaulted except
 * a missing `steps`: a wrong value is reported, never quietly replaced by a nearby one.
 */
export function parseShareLink(search: string | URLSearchParams): ParsedShare | null {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  if (!RUN_KEYS.some((k) => q.has(k))) return null;
  const values: Partial<ShareParams> = {};
  const errors: string[] = [];

  // A repeated key is ambiguous (which one did the sender mean?), so it is an error, not "first wins".
  // Returns null when absent, undefined when repeated (already reported).
  const one = (key: (typeof RUN_KEYS)[number]): string | null | undefined => {
    const all = q.getAll(key);
    if (all.length > 1) errors.push(`The link gives "${key}" ${all.length} times; give it once.`);
    return all.length > 1 ? undefined : (all[0] ?? null);
  };

  const prompt = one('prompt');
  if (prompt === null) errors.push('The link has no "prompt".');
  else if (prompt !== undefined && !prompt.trim()) errors.push('The link\'s "prompt" is empty.');
  // Kept exactly as sent (no trim): the prompt is encoded and scored, so it is part of the result.
  else if (prompt !== undefined) values.prompt = prompt;

  const int = (key: 'n' | 'seed' | 'steps', fallback?: number) => {
    const { min, max, what } = LIMITS[key];
    const raw = one(key);
    if (raw === undefined) return;
    if (raw === null) {
      if (fallback !== undefined) values[key] = fallback;
      else errors.push(`The link has no "${key}" (${what}).`);
      return;
    }
    // Digits only: "3.0", "1e3", "+3", " 3" and hex are not what a link we build contains.
    const v = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
    if (Number.isInteger(v) && v >= min && v <= max) values[key] = v;
    else errors.push(`The link's "${key}" must be a whole number from ${min} to ${max} (${what}), got "${raw}".`);
  };
  int('n');
  int('seed');
  int('steps', DEFAULT_STEPS);

  const complete = errors.length === 0 && values.prompt !== undefined && values.n !== undefined && values.seed !== undefined;
  return { values, errors, request: complete ? (values as ShareParams) : null };
}

/**
 * The link for a run, on the page's own origin and path (so it works under a sub-path; pass
 * `location`). Only the run's values and the given extras: view, test hooks and the hash are dropped.
 */
export function buildShareLink(
  where: { origin: string; pathname: string },
  p: ShareParams,
  extras: ShareExtras = {},
): string {
  const q = new URLSearchParams({ prompt: p.prompt, n: String(p.n), seed: String(p.seed), steps: String(p.steps) });
  if (extras.backend) q.set('backend', extras.backend);
  if (extras.variant) q.set('variant', extras.variant);
  return `${where.origin}${where.pathname}?${q}`;
}
