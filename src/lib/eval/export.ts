// Export of an evaluation run: results.csv (one row per image), results.json (the run, its summary
// and every image's figures, no pixels) and a zip holding both plus every PNG. Plain data in, text
// or bytes out (no DOM), so what the Evaluate view downloads is what the tests check byte for byte.
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { EvalResult } from './eval-run.ts';
import type { EvalRunRecord } from './idb-eval-store.ts';
import { summarize, type EvalSummary } from './summary.ts';

export interface ExportImage extends Omit<EvalResult, 'runId' | 'png'> {
  /** Within its prompt, 1 = best; equal scores share the lowest rank ("1, 2, 2"), as in summary.ts. */
  rank: number;
  /** The PNG's path inside the zip: images/<prompt folder>/<k>-<seed>.png. */
  file: string;
}

export interface ExportJson {
  run: Pick<EvalRunRecord, 'setName' | 'models' | 'createdAt' | 'status'> & { id: string; k: number; seed: number; steps: number };
  summary: EvalSummary;
  images: ExportImage[];
}

export const CSV_HEADER = ['run_id', 'prompt_id', 'prompt', 'category', 'k', 'seed', 'score', 'reward', 'rank', 'noise_hash', 'file'];

/**
 * CRLF, as RFC 4180 specifies; Excel, LibreOffice, pandas and R all read it, and a prompt's own line
 * breaks stay untouched inside its quoted field. Every record ends with one, the last included.
 */
const EOL = '\r\n';

/**
 * A prompt id as one folder name that cannot leave `images/`: letters, digits, "_" and "-" are kept,
 * "." too unless first or last (so never "." or "..", a hidden folder or a name Windows trims); every
 * other character, "/" "\" and "%" included, becomes %XX per UTF-8 byte. One to one, so two prompts
 * never share a folder; the empty id becomes "%", which no other id can produce.
 */
export function promptFolder(id: string): string {
  const escaped = id.replace(/[^\p{L}\p{N}_.-]|^\.|\.$/gu, (c) =>
    Array.from(strToU8(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
  return escaped || '%';
}

export const imagePath = (r: Pick<EvalResult, 'promptId' | 'k' | 'seed'>) => `images/${promptFolder(r.promptId)}/${r.k}-${r.seed}.png`;

interface Prepared {
  summary: EvalSummary;
  rows: { result: EvalResult; image: ExportImage }[];
}

/**
 * Results in export order: prompts as run.config.prompts lists them (a result whose prompt the config
 * does not list comes after, in first-seen order, rather than being dropped), then by rank, then k.
 * The summary is computed over the results sorted by prompt then k, so its prompts follow the same order
 * whatever order the store returned them in.
 */
function prepare(run: EvalRunRecord, results: readonly EvalResult[]): Prepared {
  const runId = run.config.runId;
  const stray = results.find((r) => r.runId !== runId);
  if (stray) throw new RangeError(`result ${stray.promptId}#${stray.k} belongs to run "${stray.runId}", not "${runId}"`);
  const order = new Map<string, number>();
  for (const p of run.config.prompts) if (!order.has(p.id)) order.set(p.id, order.size);
  for (const r of results) if (!order.has(r.promptId)) order.set(r.promptId, order.size);
  const sorted = [...results].sort((a, b) => order.get(a.promptId)! - order.get(b.promptId)! || a.k - b.k);
  const summary = summarize(sorted);
  // summarize groups in first-seen order and sorts each group by k: with `sorted` those groups are
  // its consecutive slices, so prompt i's ranks[j] belongs to the j-th result of its slice.
  let at = 0;
  const rows = summary.prompts.flatMap((p) =>
    sorted
      .slice(at, (at += p.n))
      .map((result, j) => ({ result, rank: p.ranks[j] }))
      .sort((a, b) => a.rank - b.rank || a.result.k - b.result.k)
      .map(({ result: r, rank }) => ({
        result: r,
        image: {
          promptId: r.promptId, prompt: r.prompt, category: r.category, k: r.k, seed: r.seed,
          score: r.score, reward: r.reward, rank, noiseHash: r.noiseHash, file: imagePath(r),
        },
      })),
  );
  return { summary, rows };
}

/**
 * RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. Numbers at full
 * precision, as they are. A text starting with = + - @, tab or CR would run as a formula in a
 * spreadsheet (CSV injection): as OWASP recommends it gets a leading ' and is quoted. The JSON
 * export keeps every text exact.
 */
function csvField(v: string | number): string {
  const formula = typeof v === 'string' && /^[=+\-@\t\r]/.test(v);
  const s = formula ? `'${v}` : String(v);
  return formula || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function toCsv(runId: string, { rows }: Prepared): string {
  const lines = rows.map(({ image: i }) =>
    [runId, i.promptId, i.prompt, i.category, i.k, i.seed, i.score, i.reward, i.rank, i.noiseHash, i.file].map(csvField).join(','),
  );
  return [CSV_HEADER.join(','), ...lines].map((l) => l + EOL).join('');
}

function toJson(run: EvalRunRecord, { summary, rows }: Prepared): string {
  const { config: c, setName, models, createdAt, status } = run;
  const out: ExportJson = {
    run: { id: c.runId, setName, k: c.k, seed: c.seed, steps: c.steps, models, createdAt, status },
    summary,
    images: rows.map((r) => r.image),
  };
  // A figure that is not a number (e.g. the mean of no scores) is written as null, JSON having no NaN.
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** One row per image; header CSV_HEADER. Throws (RangeError) on a result of another run or what summarize refuses. */
export function resultsCsv(run: EvalRunRecord, results: readonly EvalResult[]): string {
  return toCsv(run.config.runId, prepare(run, results));
}

/** `{ run, summary, images }` as pretty JSON (two-space indent, final newline). */
export function resultsJson(run: EvalRunRecord, results: readonly EvalResult[]): string {
  return toJson(run, prepare(run, results));
}

/**
 * results.csv, results.json and every PNG at its `file` path. Deterministic: the same run gives the
 * same bytes. The timestamp is fixed and built from local fields because a zip stores local date-time
 * fields (fflate reads getFullYear…getSeconds), so it is 1980-01-01 12:00 in every time zone (noon, clear
 * of any midnight clock change). PNGs are stored (level 0): they are compressed already.
 */
export function resultsZip(run: EvalRunRecord, results: readonly EvalResult[]): Uint8Array {
  const prepared = prepare(run, results);
  const files: Zippable = {
    'results.csv': strToU8(toCsv(run.config.runId, prepared)),
    'results.json': strToU8(toJson(run, prepared)),
  };
  for (const { result, image } of prepared.rows) files[image.file] = [result.png, { level: 0 }];
  return zipSync(files, { level: 6, mtime: new Date(1980, 0, 1, 12) });
}
