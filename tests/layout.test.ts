// The house rules of DESIGN.md's layout, checked on the source itself: the engine root holds only
// its entry points, imports never run in a circle, layers point one way, and nothing outside
// tests/ imports from tests/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const CODE = /\.(ts|svelte|mjs)$/;

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'out') return [];
    return statSync(join(root, path)).isDirectory() ? files(path) : CODE.test(name) ? [path] : [];
  });
}

/** Relative imports of a file (static, dynamic, re-exports, `import type`), as repo paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => relative(root, resolve(root, dirname(file), s)));
}

const src = files('src');
const graph = new Map(src.map((f) => [f, importsOf(f).filter((t) => t.startsWith('src/'))]));

describe('layout', () => {
  it('the engine root holds only its entry points; everything else is in a concept folder', () => {
    const rootFiles = readdirSync(join(root, 'src/lib/engine')).filter((n) => statSync(join(root, 'src/lib/engine', n)).isFile());
    expect(rootFiles.sort()).toEqual(['engine-api.ts', 'engine.ts', 'errors.ts']);
  });

  it('no import cycle in src/', () => {
    const cycles: string[][] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f]);
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of src) visit(f, []);
    expect(cycles.map((c) => c.join(' → '))).toEqual([]);
  });

  it('layers point one way: the engine imports neither the UI nor the worker; only the engine imports onnxruntime', () => {
    const wrong: string[] = [];
    for (const f of src) {
      const text = readFileSync(join(root, f), 'utf8');
      if (f.startsWith('src/lib/engine/') && importsOf(f).some((t) => /^src\/(lib\/(ui|worker)|cli)\//.test(t))) wrong.push(f);
      if (!f.startsWith('src/lib/engine/') && /from ['"]onnxruntime-(web|node)/.test(text)) wrong.push(f);
    }
    expect(wrong).toEqual([]);
  });

  it('nothing outside tests/ imports from tests/', () => {
    const outside = ['src', 'bench', 'models', 'scripts', 'bin'].flatMap(files);
    const bad = outside.filter((f) => importsOf(f).some((t) => t.startsWith('tests/')));
    expect(bad).toEqual([]);
  });

  // The engine's concept folders form layers: no two depend on each other, and a model kind's
  // folder (kinds/<kind>/) imports no other kind's. Files at kinds/ itself (the registry and the
  // row type) count as the folder "kinds": the registry imports each kind, each kind the row type.
  const ENGINE = 'src/lib/engine/';
  const unitOf = (f: string): string => {
    const parts = f.slice(ENGINE.length).split('/');
    return parts[0] === 'kinds' && parts.length > 2 ? `kinds/${parts[1]}` : parts.length > 1 ? parts[0] : f;
  };
  const engineFiles = src.filter((f) => f.startsWith(ENGINE));
  const edges = new Set(engineFiles.flatMap((f) => (graph.get(f) ?? []).filter((t) => t.startsWith(ENGINE)).map((t) => `${unitOf(f)} → ${unitOf(t)}`)));

  it('no two engine folders import each other', () => {
    const registryPair = (a: string, b: string) => [a, b].includes('kinds') && [a, b].some((u) => u.startsWith('kinds/'));
    const both = [...edges].map((e) => e.split(' → ')).filter(([a, b]) => a < b && edges.has(`${b} → ${a}`) && !registryPair(a, b));
    expect(both).toEqual([]);
  });

  it('a kind folder imports no other kind folder, and only kinds/ names a kind', () => {
    const across = [...edges].filter((e) => /^kinds\/[^ ]+ → kinds\/[^ ]+$/.test(e) && e.split(' → ')[0] !== e.split(' → ')[1]);
    expect(across).toEqual([]);
    const kindNames = /['"](vp-score|sd-turbo)['"]/;
    const naming = src.filter((f) => !f.startsWith(`${ENGINE}kinds/`) && kindNames.test(readFileSync(join(root, f), 'utf8')));
    expect(naming).toEqual([]);
  });
});
