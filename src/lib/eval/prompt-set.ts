// Prompt sets for the Evaluate tab: the built-in probes (builtin-prompts.ts) and the user's own JSONL or CSV file.
// Every problem in a user's file is reported with its 1-based line so it can be fixed in an editor;
// the first problem stops the parse, because a half-loaded set would skew an evaluation silently.
import { PrefLensError } from '../engine/errors.ts';

/** VisionPrefer's four preference aspects, in the paper's order. */
export const ASPECTS = ['prompt-following', 'aesthetic', 'fidelity', 'harmlessness'] as const;
export type Aspect = (typeof ASPECTS)[number];

export interface PromptItem {
  id: string;
  prompt: string;
  category: string;
  /** What the prompt mainly tests; empty when a user's file does not say. */
  aspects: Aspect[];
}

export interface PromptSet {
  id: string;
  name: string;
  prompts: PromptItem[];
}

/** An evaluation runs K generations per prompt; past this the run takes hours in a browser tab. */
export const MAX_PROMPTS = 2000;
export const UNCATEGORIZED = 'uncategorized';

/** A user's prompt file that cannot be read; `line` is 1-based when the problem has one. */
export class PromptSetError extends PrefLensError {
  readonly line: number | undefined;
  override get hint(): string {
    const format = 'JSONL: one {"prompt": …} per line; CSV: a header with a prompt column';
    return this.line === undefined ? `A prompt file is ${format}.` : `Fix that line (${format}).`;
  }
  constructor(message: string, line?: number) {
    super(message);
    this.name = 'PromptSetError';
    this.line = line;
  }
}

/** Categories in order of first appearance, with how many prompts each has. */
export function categoriesOf(set: PromptSet): { category: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const p of set.prompts) counts.set(p.category, (counts.get(p.category) ?? 0) + 1);
  return [...counts].map(([category, count]) => ({ category, count }));
}

const FIELDS = ['prompt', 'category', 'id', 'aspects'];

/** One prompt as read from the file, before validation. */
type Row = { line: number; values: Record<string, unknown> };

/**
 * Parse a user's prompt file. Format by extension (.jsonl/.ndjson, .csv); any other name (.txt, .json,
 * none) is sniffed from the first line that is not blank or a comment: `{` means JSONL, else CSV.
 */
export function parsePromptFile(text: string, fileName: string): PromptSet {
  const name = fileName.split(/[\\/]/).pop() || 'prompts';
  const err = (line: number | undefined, msg: string) =>
    new PromptSetError(line === undefined ? `${name}: ${msg}` : `${name} line ${line}: ${msg}`, line);
  // One line-break convention from here on, so line counting and multi-line CSV fields agree.
  const body = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (body.trim() === '') {
    throw err(undefined, 'the file is empty (expected JSONL lines like {"prompt": "a green colored cat"} or a CSV with a "prompt" column)');
  }
  const ext = /\.([^.]*)$/.exec(name)?.[1]?.toLowerCase();
  const jsonl = ext === 'jsonl' || ext === 'ndjson' ? true : ext === 'csv' ? false : sniffJsonl(body);
  const rows = jsonl ? jsonlRows(body, err) : csvRows(body, err);
  if (rows.length === 0) throw err(undefined, jsonl ? 'no prompts (every line is blank or a comment)' : 'no prompts after the header');
  const stem = slug(name.replace(/\.[^.]*$/, '')) || 'prompts';
  return { id: `file:${stem}`, name, prompts: toItems(rows, stem, err) };
}

type Fail = (line: number | undefined, msg: string) => PromptSetError;

const COMMENT = /^(\/\/|#)/;

function sniffJsonl(body: string): boolean {
  const first = body.split('\n').map((s) => s.trim()).find((s) => s !== '' && !COMMENT.test(s));
  return first?.startsWith('{') ?? false;
}

// Checked while reading, so a huge file fails at the 2001st prompt instead of after parsing all of it.
function push(rows: Row[], row: Row, fail: Fail): void {
  if (rows.length === MAX_PROMPTS) throw fail(row.line, `more than ${MAX_PROMPTS} prompts (the limit is ${MAX_PROMPTS}; split the file)`);
  rows.push(row);
}

function jsonlRows(body: string, fail: Fail): Row[] {
  const rows: Row[] = [];
  body.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (s === '' || COMMENT.test(s)) return;
    let v: unknown;
    try {
      v = JSON.parse(s);
    } catch (e) {
      throw fail(line, `not valid JSON (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw fail(line, `expected a JSON object like {"prompt": "…"}, got ${Array.isArray(v) ? 'an array' : clip(JSON.stringify(v), 30)}`);
    }
    const unknown = Object.keys(v).find((k) => !FIELDS.includes(k));
    if (unknown !== undefined) throw fail(line, `unknown field "${clip(unknown, 30)}" (allowed: ${FIELDS.join(', ')})`);
    push(rows, { line, values: v as Record<string, unknown> }, fail);
  });
  return rows;
}

function csvRows(body: string, fail: Fail): Row[] {
  const [header, ...records] = csvRecords(body, fail);
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  if (!columns.includes('prompt')) {
    const found = header.fields.slice(0, 8).map((f) => clip(f.trim(), 30)).join(', ');
    throw fail(header.line, `no "prompt" column in the header (found: ${found}${header.fields.length > 8 ? ', …' : ''})`);
  }
  columns.forEach((c, i) => {
    // Strict like JSONL: a misspelt "category" column would otherwise leave every prompt uncategorized.
    if (!FIELDS.includes(c)) throw fail(header.line, `unknown column "${clip(header.fields[i].trim(), 30)}" (allowed: ${FIELDS.join(', ')})`);
    if (columns.indexOf(c) !== i) throw fail(header.line, `the column "${c}" appears twice`);
  });
  const rows: Row[] = [];
  for (const { line, fields } of records) {
    if (fields.length !== columns.length) {
      throw fail(line, `${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${columns.length}`);
    }
    const values: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const cell = fields[i].trim();
      // In a spreadsheet an empty cell means "not given"; aspects share one cell, split on ; , | or spaces.
      if (c === 'prompt') values.prompt = fields[i];
      else if (cell !== '') values[c] = c === 'aspects' ? cell.split(/[\s,;|]+/).filter(Boolean) : cell;
    });
    push(rows, { line, values }, fail);
  }
  return rows;
}

/**
 * RFC 4180 records with the line each starts on. Hand-written because no CSV library is installed
 * and this module may not add one; ~40 lines cover what prompt files need. Lenient where a
 * spreadsheet user would expect it (spaces around quoted fields, a bare " inside an unquoted field
 * kept as text, blank lines skipped); strict where the meaning is ambiguous (text after a closing quote).
 */
function csvRecords(body: string, fail: Fail): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let i = 0;
  let line = 1;
  while (i < body.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let j = i;
      while (body[j] === ' ' || body[j] === '\t') j++;
      let field = '';
      if (body[j] === '"') {
        i = j + 1;
        for (;;) {
          const q = body.indexOf('"', i);
          if (q < 0) throw fail(start, 'a quoted field is not closed (a " is missing)');
          field += body.slice(i, q);
          i = q + 1;
          if (body[i] !== '"') break;
          field += '"'; // "" is an escaped quote
          i++;
        }
        line += field.split('\n').length - 1;
        while (body[i] === ' ' || body[i] === '\t') i++;
        if (i < body.length && body[i] !== ',' && body[i] !== '\n') {
          throw fail(start, 'unexpected text after a closing quote (write a " inside a quoted field as "")');
        }
      } else {
        let end = i;
        while (end < body.length && body[end] !== ',' && body[end] !== '\n') end++;
        field = body.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (body[i] !== ',') break;
      i++;
    }
    if (body[i] === '\n') {
      i++;
      line++;
    }
    if (fields.length > 1 || fields[0].trim() !== '') records.push({ line: start, fields });
  }
  return records;
}

function toItems(rows: Row[], stem: string, fail: Fail): PromptItem[] {
  const firstLine = new Map<string, number>();
  const given = rows.map(({ line, values }) => {
    const id = optionalString(values.id, 'id', line, fail);
    if (id !== undefined) {
      const seen = firstLine.get(id);
      if (seen !== undefined) throw fail(line, `id "${id}" is already used on line ${seen}`);
      firstLine.set(id, line);
    }
    return id;
  });
  const used = new Set(firstLine.keys());
  return rows.map(({ line, values }, n) => {
    let id = given[n];
    if (id === undefined) {
      // An explicit id may already look like a generated one ("my-3"); then pick the next free suffix.
      const base = `${stem}-${n + 1}`;
      id = base;
      for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
      used.add(id);
    }
    return {
      id,
      prompt: promptText(values.prompt, line, fail),
      category: optionalString(values.category, 'category', line, fail) ?? UNCATEGORIZED,
      aspects: aspectList(values.aspects, line, fail),
    };
  });
}

function promptText(v: unknown, line: number, fail: Fail): string {
  if (v !== undefined && v !== null && typeof v !== 'string') throw fail(line, '"prompt" must be a string');
  // Both tokenizers collapse whitespace anyway; collapsing here makes multi-line CSV cells display as one line.
  const s = typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '';
  if (s === '') throw fail(line, '"prompt" is missing or empty');
  return s;
}

function optionalString(v: unknown, field: string, line: number, fail: Fail): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw fail(line, `"${field}" must be a string`);
  return v.trim() || undefined;
}

function aspectList(v: unknown, line: number, fail: Fail): Aspect[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((a) => typeof a !== 'string')) {
    throw fail(line, `"aspects" must be a list of: ${ASPECTS.join(', ')}`);
  }
  for (const a of v) {
    if (!(ASPECTS as readonly string[]).includes(a)) throw fail(line, `unknown aspect "${clip(a, 30)}" (allowed: ${ASPECTS.join(', ')})`);
  }
  return ASPECTS.filter((a) => v.includes(a));
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
