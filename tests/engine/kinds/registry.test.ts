// The registry of model kinds: a manifest's kind picks its row, an unknown kind is refused naming
// the known ones, and a folder of one role cannot be loaded as the other.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../../src/lib/engine/engine.ts';
import { ManifestError } from '../../../src/lib/engine/errors.ts';
import { MODEL_KINDS, kindRow, parseManifest } from '../../../src/lib/engine/kinds/registry.ts';
import { dirReader } from '../../../src/cli/dir-reader.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';

const manifestOf = (dir: string) => readFileSync(join(dir, 'preflens.json'), 'utf8');

describe('registry', () => {
  it('has one row per kind, each a judge or a generator', () => {
    const kinds = MODEL_KINDS.map((k) => k.kind);
    expect(new Set(kinds).size).toBe(kinds.length);
    expect(Object.fromEntries(MODEL_KINDS.map((k) => [k.kind, k.role]))).toEqual({ 'vp-score': 'judge', 'sd-turbo': 'generator' });
  });

  it('reads each built-in manifest through its kind and plans it per device', () => {
    for (const [dir, kind] of [[MODEL_DIRS.tiny, 'vp-score'], [MODEL_DIRS.sdTiny, 'sd-turbo']] as const) {
      const m = parseManifest(manifestOf(dir), dir);
      expect(m.kind).toBe(kind);
      const plan = kindRow(m.kind, dir).plan(m, { ep: 'wasm', shaderF16: false });
      expect(kindRow(m.kind, dir).variants(m)).toContain(plan.variant);
      expect(plan.files.length).toBeGreaterThan(plan.graphs.length);
    }
  });

  it('refuses a kind it does not know, naming the kinds it does', () => {
    const text = manifestOf(MODEL_DIRS.tiny).replace('"vp-score"', '"gan"');
    expect(() => parseManifest(text, 'x/preflens.json')).toThrow(ManifestError);
    expect(() => parseManifest(text, 'x/preflens.json')).toThrow('x/preflens.json: "kind" must be "vp-score" or "sd-turbo", found "gan"');
  });
});

describe('roles', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = new Engine();
    await engine.init({ backend: 'wasm' });
  });

  it('a generator folder is not loaded as a judge, nor a judge folder as a generator', async () => {
    await expect(engine.loadScorer({ kind: 'reader', origin: 'sd-tiny', read: dirReader(MODEL_DIRS.sdTiny) }))
      .rejects.toThrow('sd-tiny is an image generator of kind "sd-turbo", not a judge (a reward model)');
    await expect(engine.loadGenerator({ kind: 'reader', origin: 'vp-tiny', read: dirReader(MODEL_DIRS.tiny) }))
      .rejects.toThrow('vp-tiny is a judge (a reward model) of kind "vp-score", not an image generator');
  });
});
