import { describe, expect, it } from 'vitest';
import {
  ASPECTS,
  categoriesOf,
  parsePromptFile,
  PromptSetError,
  type PromptSet,
} from '../../src/lib/eval/prompt-set.ts';
import { BUILTIN_PROMPT_SET } from '../../src/lib/eval/builtin-prompts.ts';

function failure(text: string, file: string): PromptSetError {
  try {
    parsePromptFile(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(PromptSetError);
    return e as PromptSetError;
  }
  throw new Error(`${file} parsed without an error`);
}

const texts = (set: PromptSet) => set.prompts.map((p) => p.prompt);

describe('built-in prompt set', () => {
  const set = BUILTIN_PROMPT_SET;

  it('has at least 64 prompts in at least 5 categories of at least 8', () => {
    expect(set.id).toBe('preflens-probes-v1');
    expect(set.prompts.length).toBeGreaterThanOrEqual(64);
    const cats = categoriesOf(set);
    expect(cats.length).toBeGreaterThanOrEqual(5);
    for (const c of cats) expect(c.count, c.category).toBeGreaterThanOrEqual(8);
    expect(cats.map((c) => c.category)).toEqual(expect.arrayContaining(['colour', 'count', 'background', 'combination']));
  });

  it('has unique, stable ids and unique prompts', () => {
    const ids = set.prompts.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of set.prompts) expect(p.id).toMatch(new RegExp(`^${p.category}-\\d{2}$`));
    expect(new Set(texts(set)).size).toBe(set.prompts.length);
    // Saved runs refer to these ids: pin a few so a reorder is caught.
    expect(set.prompts.find((p) => p.id === 'colour-01')?.prompt).toBe('a green colored cat');
    expect(set.prompts.find((p) => p.id === 'count-01')?.prompt).toBe('three apples on a table');
    expect(set.prompts.find((p) => p.id === 'background-02')?.prompt).toBe('a dog on the beach');
  });

  it("uses every aspect and contains the papers' example prompts", () => {
    const used = new Set(set.prompts.flatMap((p) => p.aspects));
    expect([...used].sort()).toEqual([...ASPECTS].sort());
    for (const p of set.prompts) expect(p.aspects.length, p.id).toBeGreaterThan(0);
    expect(texts(set)).toEqual(
      expect.arrayContaining(['a green colored cat', 'three apples on a table', 'a dog in the forest', 'a dog on the beach']),
    );
  });

  it('keeps every prompt inside 75 CLIP tokens (rough count: words plus punctuation)', () => {
    for (const p of set.prompts) {
      const words = p.prompt.split(/\s+/).length;
      const rough = words + (p.prompt.match(/[^\w\s]/g)?.length ?? 0);
      expect(words, p.id).toBeLessThanOrEqual(60);
      expect(rough, p.id).toBeLessThanOrEqual(75);
      expect(p.prompt).toBe(p.prompt.trim());
    }
  });

  it('survives a round trip through JSONL', () => {
    const jsonl = set.prompts.map((p) => JSON.stringify(p)).join('\n');
    expect(parsePromptFile(jsonl, 'probes.jsonl').prompts).toEqual(set.prompts);
  });
});

describe('parsePromptFile: JSONL', () => {
  it('skips blank and comment lines, trims, fills ids and categories', () => {
    const text = [
      '// my probes',
      '# another comment',
      '',
      '{"prompt": "  a red cube \\n on a table "}',
      '   ',
      '{"prompt": "two cats", "category": "count", "id": "cats", "aspects": ["fidelity", "prompt-following", "fidelity"]}',
      '{"prompt": "a red cube on a table"}',
    ].join('\r\n');
    const set = parsePromptFile(text, 'My Probes.jsonl');
    expect(set).toEqual({
      id: 'file:my-probes',
      name: 'My Probes.jsonl',
      prompts: [
        { id: 'my-probes-1', prompt: 'a red cube on a table', category: 'uncategorized', aspects: [] },
        { id: 'cats', prompt: 'two cats', category: 'count', aspects: ['prompt-following', 'fidelity'] },
        { id: 'my-probes-3', prompt: 'a red cube on a table', category: 'uncategorized', aspects: [] },
      ],
    });
  });

  it('never gives a generated id that a row already chose', () => {
    const set = parsePromptFile('{"prompt": "a"}\n{"prompt": "b", "id": "p-1"}', 'p.ndjson');
    expect(set.prompts.map((p) => p.id)).toEqual(['p-1-2', 'p-1']);
  });

  it('reports each malformed line with its number', () => {
    const bad = failure('{"prompt": "a"}\n\n# c\n{"prompt": "b",}', 'my.jsonl');
    expect(bad.message).toMatch(/^my\.jsonl line 4: not valid JSON \(.+\)$/);
    expect(bad.line).toBe(4);
    expect(bad.name).toBe('PromptSetError');
    const lines = (n: number, row: string) => [...Array(n - 1).fill('{"prompt": "ok"}'), row].join('\n');
    expect(failure(lines(7, '{"prompt": "   "}'), 'my.jsonl').message).toBe('my.jsonl line 7: "prompt" is missing or empty');
    expect(failure(lines(7, '{"category": "x"}'), 'my.jsonl').message).toBe('my.jsonl line 7: "prompt" is missing or empty');
    expect(failure(lines(2, '{"prompt": 3}'), 'my.jsonl').message).toBe('my.jsonl line 2: "prompt" must be a string');
    expect(failure(lines(9, '{"prompt": "a", "category": 2}'), 'my.jsonl').message).toBe('my.jsonl line 9: "category" must be a string');
    expect(failure(lines(3, '{"prompt": "a", "id": 7}'), 'my.jsonl').message).toBe('my.jsonl line 3: "id" must be a string');
    expect(failure(lines(2, '{"promt": "a"}'), 'my.jsonl').message).toBe(
      'my.jsonl line 2: unknown field "promt" (allowed: prompt, category, id, aspects)',
    );
    expect(failure(lines(2, '["a"]'), 'my.jsonl').message).toBe('my.jsonl line 2: expected a JSON object like {"prompt": "…"}, got an array');
    expect(failure(lines(2, '{"prompt": "a", "aspects": "aesthetic"}'), 'my.jsonl').message).toBe(
      'my.jsonl line 2: "aspects" must be a list of: prompt-following, aesthetic, fidelity, harmlessness',
    );
    expect(failure(lines(2, '{"prompt": "a", "aspects": ["style"]}'), 'my.jsonl').message).toBe(
      'my.jsonl line 2: unknown aspect "style" (allowed: prompt-following, aesthetic, fidelity, harmlessness)',
    );
  });

  it('refuses duplicate ids, naming both lines', () => {
    const text = '{"prompt": "a"}\n{"prompt": "b", "id": "x"}\n\n{"prompt": "c"}\n{"prompt": "d", "id": "x"}';
    const e = failure(text, 'my.jsonl');
    expect(e.message).toBe('my.jsonl line 5: id "x" is already used on line 2');
    expect(e.line).toBe(5);
  });

  it('refuses empty files and files of more than 2000 prompts', () => {
    const empty = failure(' \r\n\n', 'empty.jsonl');
    expect(empty.message).toMatch(/^empty\.jsonl: the file is empty \(/);
    expect(empty.line).toBeUndefined();
    expect(failure('', 'x.csv').message).toMatch(/^x\.csv: the file is empty/);
    expect(failure('// only\n# comments\n', 'c.jsonl').message).toBe('c.jsonl: no prompts (every line is blank or a comment)');
    const ok = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ prompt: `p ${i}` }));
    expect(parsePromptFile(ok.join('\n'), 'big.jsonl').prompts).toHaveLength(2000);
    expect(failure([...ok, '{"prompt": "one more"}'].join('\n'), 'big.jsonl').message).toBe(
      'big.jsonl line 2001: more than 2000 prompts (the limit is 2000; split the file)',
    );
  });
});

describe('parsePromptFile: CSV', () => {
  it('reads RFC 4180 quoting: commas, doubled quotes, CRLF and multi-line fields', () => {
    const text =
      '\uFEFFPrompt,Category,id\r\n' +
      '"a red apple, next to a blue cup",colour,a1\r\n' +
      '"a sign that says ""hello""", text ,\r\n' +
      '"a dog\r\nin the forest",background,\r\n' +
      '\r\n' +
      'three apples on a table,,\r\n';
    const set = parsePromptFile(text, 'prompts.csv');
    expect(set.prompts).toEqual([
      { id: 'a1', prompt: 'a red apple, next to a blue cup', category: 'colour', aspects: [] },
      { id: 'prompts-2', prompt: 'a sign that says "hello"', category: 'text', aspects: [] },
      { id: 'prompts-3', prompt: 'a dog in the forest', category: 'background', aspects: [] },
      { id: 'prompts-4', prompt: 'three apples on a table', category: 'uncategorized', aspects: [] },
    ]);
  });

  it('is lenient where a spreadsheet user expects it', () => {
    const text = 'prompt,aspects\n "a, b" , aesthetic;fidelity\na 6" tall vase,\n"last line without newline",harmlessness';
    expect(parsePromptFile(text, 'p.csv').prompts.map((p) => [p.prompt, p.aspects])).toEqual([
      ['a, b', ['aesthetic', 'fidelity']],
      ['a 6" tall vase', []],
      ['last line without newline', ['harmlessness']],
    ]);
  });

  it('reports the line a record starts on, counting lines inside quoted fields', () => {
    const text = 'prompt,category\n"one\ntwo\nthree",a\nok,b\nx,y,z\n';
    const e = failure(text, 'prompts.csv');
    expect(e.message).toBe('prompts.csv line 6: 3 fields, the header has 2');
    expect(e.line).toBe(6);
    expect(failure('prompt,category\na,b\n"never\nclosed,c\n', 'prompts.csv').message).toBe(
      'prompts.csv line 3: a quoted field is not closed (a " is missing)',
    );
    expect(failure('prompt\n"a" b\n', 'prompts.csv').message).toBe(
      'prompts.csv line 2: unexpected text after a closing quote (write a " inside a quoted field as "")',
    );
    expect(failure('prompt,category\na,b\nc,d\nd,e\nonly one', 'prompts.csv').message).toBe('prompts.csv line 5: 1 field, the header has 2');
    expect(failure('prompt,category\n ,b\n', 'prompts.csv').message).toBe('prompts.csv line 2: "prompt" is missing or empty');
  });

  it('checks the header', () => {
    expect(failure('text,label\na,b\n', 'prompts.csv').message).toBe('prompts.csv line 1: no "prompt" column in the header (found: text, label)');
    expect(failure('prompt,categroy\na,b\n', 'prompts.csv').message).toBe(
      'prompts.csv line 1: unknown column "categroy" (allowed: prompt, category, id, aspects)',
    );
    expect(failure('prompt,Prompt\na,b\n', 'prompts.csv').message).toBe('prompts.csv line 1: the column "prompt" appears twice');
    expect(failure('prompt,id\na,x\nb,x\n', 'prompts.csv').message).toBe('prompts.csv line 3: id "x" is already used on line 2');
    expect(failure('prompt\n\n', 'prompts.csv').message).toBe('prompts.csv: no prompts after the header');
  });
});

describe('parsePromptFile: format', () => {
  it('goes by extension, else sniffs the first line that is not blank or a comment', () => {
    expect(texts(parsePromptFile('\n# note\n{"prompt": "a"}', 'list.txt'))).toEqual(['a']);
    expect(texts(parsePromptFile('prompt\na\n', 'list.txt'))).toEqual(['a']);
    expect(texts(parsePromptFile('{"prompt": "a"}', 'noext'))).toEqual(['a']);
    expect(failure('{"prompt": "a"}\n', 'data.csv').message).toMatch(/^data\.csv line 1: no "prompt" column/);
    expect(parsePromptFile('prompt\na\n', 'C:\\Users\\me\\set.csv').name).toBe('set.csv');
  });
});

describe('categoriesOf', () => {
  it('lists categories in order of first appearance with counts', () => {
    const set = parsePromptFile('prompt,category\na,y\nb,x\nc,y\nd,\n', 'c.csv');
    expect(categoriesOf(set)).toEqual([
      { category: 'y', count: 2 },
      { category: 'x', count: 1 },
      { category: 'uncategorized', count: 1 },
    ]);
  });
});
