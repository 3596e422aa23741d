// A labelled pairs file: one human judgement per line, JSON Lines —
//   {"prompt": "...", "image_a": "a.png", "image_b": "b.png", "preferred": "a" | "b" | "tie",
//    "category"?: "...", "id"?: "..."}
// or, DPO-style (what the A/B export writes for a decided pair), {"prompt", "chosen", "rejected", …}
// = image_a chosen over image_b. Blank lines and lines starting with # or // are skipped. Images are
// named relative to a folder the user picks, so a path that could reach outside it (absolute, "..",
// a URL) is refused: the app could not read it anyway, and a URL would mean a network request we
// promise not to make. An image may also be inline, a data:image/…;base64 URL (the A/B export's
// own images): nothing to fetch. score_*/seed_* fields (the export's) are kept out of the judgement.
import { PrefLensError } from '../engine/errors.ts';

export type Preference = 'a' | 'b' | 'tie';

export interface LabelledPair {
  /** 1-based line in the file, so later errors (missing images, scoring) can point back to it. */
  line: number;
  prompt: string;
  imageA: string;
  imageB: string;
  preferred: Preference;
  category?: string;
  id?: string;
}

/** The file is not a pairs file we can use; `line` is 1-based, 0 for the file as a whole. */
export class PairsFileError extends PrefLensError {
  readonly line: number;
  override get hint(): string {
    const rule = 'prompt, image_a, image_b and preferred (a, b or tie) on every line';
    return this.line > 0 ? `Fix that line: ${rule}.` : `A pairs file has ${rule}.`;
  }
  constructor(line: number, message: string) {
    super(line > 0 ? `line ${line}: ${message}` : message);
    this.name = 'PairsFileError';
    this.line = line;
  }
}

const REQUIRED = ['prompt', 'image_a', 'image_b', 'preferred'] as const;
const DPO = ['chosen', 'rejected'] as const;
/** Written by the A/B export for the record; not part of the judgement. */
const INFO = ['score_a', 'score_b', 'seed_a', 'seed_b', 'score_chosen', 'score_rejected', 'seed_chosen', 'seed_rejected'] as const;
const OPTIONAL = ['category', 'id'] as const;
const ALLOWED: readonly string[] = [...REQUIRED, ...DPO, ...OPTIONAL, ...INFO];
const INLINE_IMAGE = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+=*$/;

/** An image given in the line itself (the A/B export's), not a file of the folder. */
export const isInlineImage = (name: string) => name.startsWith('data:');
const PREFERENCES: readonly string[] = ['a', 'b', 'tie'];

export function parsePairs(text: string): LabelledPair[] {
  const pairs: LabelledPair[] = [];
  const idLines = new Map<string, number>();
  // A BOM from a Windows editor would otherwise make line 1 bad JSON.
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return;
    const pair = parseLine(trimmed, i + 1);
    if (pair.id !== undefined) {
      const first = idLines.get(pair.id);
      if (first !== undefined) throw new PairsFileError(pair.line, `id "${pair.id}" is already used on line ${first}`);
      idLines.set(pair.id, pair.line);
    }
    pairs.push(pair);
  });
  if (pairs.length === 0) throw new PairsFileError(0, 'the pairs file has no pairs (only blank or comment lines)');
  return pairs;
}

function parseLine(text: string, line: number): LabelledPair {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The parser's own wording differs between engines; the line number is what the user needs.
    throw new PairsFileError(line, 'not valid JSON (each line must be one JSON object)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PairsFileError(line, `expected a JSON object, found ${describe(value)}`);
  }
  const obj = value as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((key) => !ALLOWED.includes(key));
  if (unknown.length) {
    const names = unknown.map((key) => `"${key}"`).join(', ');
    throw new PairsFileError(line, `unknown field${unknown.length > 1 ? 's' : ''} ${names} (allowed: ${[...REQUIRED, ...DPO, ...OPTIONAL].join(', ')}, and the A/B export's score_*/seed_*)`);
  }
  const dpo = DPO.some((key) => key in obj);
  if (dpo && REQUIRED.slice(1).some((key) => key in obj)) {
    throw new PairsFileError(line, 'use either "chosen"/"rejected" or "image_a"/"image_b"/"preferred", not both');
  }
  for (const key of dpo ? ['prompt', ...DPO] : REQUIRED) {
    if (!(key in obj)) throw new PairsFileError(line, `missing field "${key}"`);
  }
  for (const key of INFO) {
    if (key in obj && typeof obj[key] !== 'number') throw new PairsFileError(line, `"${key}" must be a number, found ${describe(obj[key])}`);
  }
  const field = (key: string): string => {
    const v = obj[key];
    if (typeof v !== 'string') throw new PairsFileError(line, `"${key}" must be a string, found ${describe(v)}`);
    if (v.trim() === '') throw new PairsFileError(line, `"${key}" is empty`);
    return v;
  };
  const prompt = field('prompt');
  const [keyA, keyB] = dpo ? DPO : (['image_a', 'image_b'] as const);
  const imageA = checkImagePath(field(keyA), keyA, line);
  const imageB = checkImagePath(field(keyB), keyB, line);
  const preferred = dpo ? 'a' : obj.preferred;
  if (!PREFERENCES.includes(preferred as string)) {
    throw new PairsFileError(line, `"preferred" must be "a", "b" or "tie", found ${describe(obj.preferred)}`);
  }
  if (imageA === imageB) throw new PairsFileError(line, `${keyA} and ${keyB} are the same ${isInlineImage(imageA) ? 'image' : `file "${imageA}"`}`);
  const pair: LabelledPair = { line, prompt, imageA, imageB, preferred: preferred as Preference };
  if ('category' in obj) pair.category = field('category');
  if ('id' in obj) pair.id = field('id');
  return pair;
}

/** Names relative to the picked folder, "/" between subfolders; anything else is refused by name. */
function checkImagePath(path: string, key: string, line: number): string {
  const fail = (why: string) => new PairsFileError(line, `${key} ${isInlineImage(path) ? describe(path) : `"${path}"`} ${why}`);
  if (isInlineImage(path)) {
    if (!INLINE_IMAGE.test(path)) throw fail('is not an inline PNG, JPEG or WebP (data:image/…;base64,…)');
    return path;
  }
  if (/^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('/') || path.startsWith('\\')) {
    throw fail('is an absolute path; name the file relative to the images folder');
  }
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path)) {
    throw fail('is a URL; images are read from the folder you pick, so name the file in it');
  }
  if (path.includes('\\')) throw fail('contains "\\"; use "/" between folders');
  const segments = path.split('/');
  if (segments.includes('..')) throw fail('contains ".."; it must stay inside the images folder');
  if (segments.some((s) => s === '' || s === '.')) throw fail('has an empty or "." folder name');
  return path;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return `${typeof v} ${String(v)}`;
}

export interface MissingImages {
  line: number;
  id?: string;
  missing: string[];
}

/**
 * Pairs whose images are not in the picked folder, in file order. `availableNames` holds the
 * folder's files by the same relative names the pairs file uses (e.g. "sub/x.png", without the
 * picked folder's own name); matching is exact, case included, as on most file systems.
 */
export function missingImages(pairs: readonly LabelledPair[], availableNames: ReadonlySet<string>): MissingImages[] {
  return pairs.flatMap((p) => {
    const missing = [p.imageA, p.imageB].filter((name) => !availableNames.has(name));
    if (missing.length === 0) return [];
    return [p.id === undefined ? { line: p.line, missing } : { line: p.line, id: p.id, missing }];
  });
}
