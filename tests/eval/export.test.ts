import { posix } from 'node:path';
import { strToU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { EvalResult } from '../../src/lib/eval/eval-run.ts';
import { CSV_HEADER, promptFolder, resultsCsv, resultsJson, resultsZip, type ExportJson } from '../../src/lib/eval/export.ts';
import type { EvalRunRecord } from '../../src/lib/eval/idb-eval-store.ts';
import { summarize } from '../../src/lib/eval/summary.ts';

// 2 prompts × K = 3. The config lists b-colour before a-count (not the store's key order).
//   b-colour k0..2: 0.5, 0.1 + 0.2, 0.5 → ranks 1, 3, 1 (a tie: k0 then k2);  a-count: -1.5, 2, 1e-7 → 3, 1, 2.
const TRICKY = 'a red, "shiny" cube\non grass';
const run: EvalRunRecord = {
  config: {
    runId: 'run-1',
    prompts: [
      { id: 'b-colour', prompt: TRICKY, category: 'colour' },
      { id: 'a-count', prompt: 'two dogs', category: 'count' },
    ],
    k: 3,
    seed: 42,
    steps: 1,
  },
  setName: 'Built-in probes',
  models: { scorer: 'vp-score-tiny', generator: 'sd-turbo-tiny' },
  createdAt: 1_700_000_000_000,
  status: 'done',
};

/** Fake PNG bytes: the signature then a pattern unique to the image, long and repetitive enough that deflate would shrink it. */
const png = (tag: number) => Uint8Array.from({ length: 600 }, (_, i) => (i < 8 ? [137, 80, 78, 71, 13, 10, 26, 10][i] : (tag * 7 + (i % 5)) & 255));

function result(p: number, k: number, score: number, reward: number): EvalResult {
  const { id, prompt, category } = run.config.prompts[p];
  return { runId: 'run-1', promptId: id, prompt, category, k, seed: 42 + 3 * p + k, score, reward, noiseHash: `n${p}${k}`, png: png(3 * p + k) };
}
const inOrder = [
  result(0, 0, 0.5, 1.25), result(0, 1, 0.1 + 0.2, -0.75), result(0, 2, 0.5, 1.2345678901234567),
  result(1, 0, -1.5, -3), result(1, 1, 2, 4.5), result(1, 2, 1e-7, 0),
];
// As IndexedDB returns them: by key "run-1|<promptId>#<k>", so a-count first.
const fromStore = [...inOrder.slice(3), ...inOrder.slice(0, 3)];

const Q = '"a red, ""shiny"" cube\non grass"';
const EXPECTED_CSV = [
  'run_id,prompt_id,prompt,category,k,seed,score,reward,rank,noise_hash,file',
  `run-1,b-colour,${Q},colour,0,42,0.5,1.25,1,n00,images/b-colour/0-42.png`,
  `run-1,b-colour,${Q},colour,2,44,0.5,1.2345678901234567,1,n02,images/b-colour/2-44.png`,
  `run-1,b-colour,${Q},colour,1,43,0.30000000000000004,-0.75,3,n01,images/b-colour/1-43.png`,
  'run-1,a-count,two dogs,count,1,46,2,4.5,1,n11,images/a-count/1-46.png',
  'run-1,a-count,two dogs,count,2,47,1e-7,0,2,n12,images/a-count/2-47.png',
  'run-1,a-count,two dogs,count,0,45,-1.5,-3,3,n10,images/a-count/0-45.png',
].map((l) => `${l}\r\n`).join('');

/** A strict RFC 4180 reader: records end in CRLF, a quote may only open a field, "" inside quotes is one ". */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      for (i++; ; i++) {
        if (i >= text.length) throw new Error('unclosed quote');
        if (text[i] !== '"') field += text[i];
        else if (text[i + 1] === '"') field += text[i++];
        else break;
      }
      i++;
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
    } else if (c === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
      i += 2;
    } else {
      field += c;
      i++;
    }
  }
  if (field !== '' || record.length) throw new Error('the last record does not end in CRLF');
  return records;
}

/** Each local file header's name, compression method and DOS date-time (fflate writes sizes in them). */
function localHeaders(zip: Uint8Array): { name: string; method: number; time: number; date: number }[] {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out = [];
  for (let o = 0; v.getUint32(o, true) === 0x04034b50; ) {
    const size = v.getUint32(o + 18, true);
    const nameLen = v.getUint16(o + 26, true);
    const extraLen = v.getUint16(o + 28, true);
    const name = new TextDecoder().decode(zip.subarray(o + 30, o + 30 + nameLen));
    out.push({ name, method: v.getUint16(o + 8, true), time: v.getUint16(o + 10, true), date: v.getUint16(o + 12, true) });
    o += 30 + nameLen + extraLen + size;
  }
  return out;
}

describe('resultsCsv', () => {
  it('writes the exact text: config order, then rank (ties by k), full precision, RFC 4180 quoting, CRLF', () => {
    expect(resultsCsv(run, fromStore)).toBe(EXPECTED_CSV);
  });

  it('parses back to the same values', () => {
    const [header, ...rows] = readCsv(resultsCsv(run, fromStore));
    expect(header).toEqual(CSV_HEADER);
    const back = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(back.map((r) => r.prompt)).toEqual([TRICKY, TRICKY, TRICKY, 'two dogs', 'two dogs', 'two dogs']);
    for (const r of back) {
      const src = inOrder.find((x) => x.promptId === r.prompt_id && x.k === Number(r.k))!;
      expect([r.run_id, r.category, Number(r.seed), Number(r.score), Number(r.reward), r.noise_hash])
        .toEqual([src.runId, src.category, src.seed, src.score, src.reward, src.noiseHash]);
    }
    // A lone CR is quoted too, and a quote-only field survives.
    const odd = [{ ...inOrder[0], prompt: 'a\rb', category: '"' }];
    const [, row] = readCsv(resultsCsv(run, odd));
    expect([row[2], row[3]]).toEqual(['a\rb', '"']);
  });

  it('guards text that a spreadsheet would run as a formula (OWASP), keeps numbers and the JSON exact', () => {
    const texts = ['=HYPERLINK("http://evil.example","x")', '+1+2', '-2+3 cats', '@SUM(A1)', '\tcat', '\rdog'];
    const rows = texts.map((prompt, k) => ({ ...inOrder[0], k, prompt, category: '=cmd', score: -0.5 - k }));
    const csv = resultsCsv({ ...run, config: { ...run.config, k: texts.length } }, rows);
    const parsed = readCsv(csv).slice(1).sort((a, b) => Number(a[4]) - Number(b[4]));
    expect(parsed.map((r) => r[2])).toEqual(texts.map((t) => `'${t}`));
    expect(parsed.map((r) => r[3])).toEqual(Array(texts.length).fill("'=cmd"));
    expect(parsed.map((r) => r[6])).toEqual(['-0.5', '-1.5', '-2.5', '-3.5', '-4.5', '-5.5']);
    expect(csv).toContain('"\'=HYPERLINK(""http://evil.example"",""x"")"');
    const json = JSON.parse(resultsJson({ ...run, config: { ...run.config, k: texts.length } }, rows)) as ExportJson;
    expect(json.images.map((i) => i.prompt).sort()).toEqual([...texts].sort());
  });

  it('puts prompts the config does not list last and refuses results of another run', () => {
    const extra = { ...inOrder[0], promptId: 'zz', k: 0 };
    const ids = readCsv(resultsCsv(run, [extra, ...fromStore])).slice(1).map((r) => r[1]);
    expect(ids).toEqual(['b-colour', 'b-colour', 'b-colour', 'a-count', 'a-count', 'a-count', 'zz']);
    expect(() => resultsCsv(run, [...inOrder, { ...inOrder[0], runId: 'run-2' }])).toThrow('result b-colour#0 belongs to run "run-2", not "run-1"');
    expect(() => resultsCsv(run, [...inOrder, inOrder[0]])).toThrow('prompt "b-colour" has candidate 0 twice');
  });
});

describe('resultsJson', () => {
  const json = resultsJson(run, fromStore);
  const parsed = JSON.parse(json) as ExportJson;

  it('holds the run, summarize() figures in config order and the images as in the CSV, no PNG bytes', () => {
    expect(json.endsWith('}\n')).toBe(true);
    expect(json).toContain('\n  "run": {\n');
    expect(parsed.run).toEqual({
      id: 'run-1', setName: 'Built-in probes', k: 3, seed: 42, steps: 1,
      models: { scorer: 'vp-score-tiny', generator: 'sd-turbo-tiny' }, createdAt: 1_700_000_000_000, status: 'done',
    });
    expect(parsed.summary).toEqual(summarize(inOrder));
    // Summed in config order whatever order the store gives (float sums depend on order: 0.30000001666666665 vs …67).
    expect(resultsJson(run, [...inOrder].reverse())).toBe(json);
    expect(parsed.summary.prompts.map((p) => [p.promptId, p.ranks])).toEqual([['b-colour', [1, 3, 1]], ['a-count', [3, 1, 2]]]);
    const rows = readCsv(resultsCsv(run, fromStore)).slice(1);
    expect(parsed.images.map((i) => [i.promptId, String(i.k), String(i.score), String(i.rank), i.file]))
      .toEqual(rows.map((r) => [r[1], r[4], r[6], r[8], r[10]]));
    expect(parsed.images[0]).toEqual({
      promptId: 'b-colour', prompt: TRICKY, category: 'colour', k: 0, seed: 42, score: 0.5, reward: 1.25, rank: 1,
      noiseHash: 'n00', file: 'images/b-colour/0-42.png',
    });
    expect(json).not.toContain('"png":');
    expect(parsed.images.every((i) => !('png' in i))).toBe(true);
  });
});

describe('resultsZip', () => {
  it('unzips to exactly results.csv, results.json and every PNG with identical bytes', () => {
    const files = unzipSync(resultsZip(run, fromStore));
    const pngPaths = inOrder.map((r) => `images/${r.promptId}/${r.k}-${r.seed}.png`);
    expect(Object.keys(files).sort()).toEqual(['results.csv', 'results.json', ...pngPaths].sort());
    expect(files['results.csv']).toEqual(strToU8(EXPECTED_CSV));
    expect(files['results.json']).toEqual(strToU8(resultsJson(run, fromStore)));
    inOrder.forEach((r, i) => expect(files[pngPaths[i]]).toEqual(r.png));
  });

  it('stores PNGs, deflates the text and stamps 1980-01-01 12:00', () => {
    const headers = localHeaders(resultsZip(run, fromStore));
    expect(headers.map((h) => h.name)).toEqual(['results.csv', 'results.json', ...readCsv(EXPECTED_CSV).slice(1).map((r) => r[10])]);
    expect(headers.map((h) => h.method)).toEqual([8, 8, 0, 0, 0, 0, 0, 0]);
    // DOS date (1980 − 1980) << 9 | 1 << 5 | 1 = 33; time 12 << 11 = 24576.
    for (const h of headers) expect([h.date, h.time]).toEqual([33, 24576]);
  });

  it('is byte-identical across builds, input orders and time zones', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati';
      const a = resultsZip(run, fromStore);
      process.env.TZ = 'America/Los_Angeles';
      const b = resultsZip(run, inOrder);
      expect(b).toEqual(a);
      expect(resultsZip(run, fromStore)).toEqual(a);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('promptFolder', () => {
  it('keeps hostile prompt ids inside images/, one folder each', () => {
    expect(promptFolder('../../x')).toBe('%2E.%2F..%2Fx');
    expect(promptFolder('file:my-prompts-3')).toBe('file%3Amy-prompts-3');
    expect(promptFolder('v1.2_é')).toBe('v1.2_é');
    const ids = ['../../x', '..', '.', '', '/abs', '..\\..\\win', 'C:\\x', 'a/b', 'a%2Fb', 'a b', 'x.', '.hidden'];
    const hostile: EvalRunRecord = { ...run, config: { ...run.config, prompts: ids.map((id) => ({ id, prompt: id, category: 'c' })) } };
    const results = ids.map((id, i) => ({ ...inOrder[0], promptId: id, prompt: id, category: 'c', png: png(i) }));
    const files = readCsv(resultsCsv(hostile, results)).slice(1).map((r) => r[10]);
    for (const f of files) {
      const parts = f.split('/');
      expect(parts).toHaveLength(3);
      expect(parts[0]).toBe('images');
      expect(parts[1]).toMatch(/^[^./\\:][^/\\:]*$/);
      expect(parts[1]).not.toMatch(/\.$/);
      expect(posix.normalize(f)).toBe(f);
    }
    expect(new Set(files.map((f) => f.split('/')[1])).size).toBe(ids.length);
    const unzipped = unzipSync(resultsZip(hostile, results));
    expect(Object.keys(unzipped).filter((k) => k.startsWith('images/')).sort()).toEqual([...files].sort());
  });
});
