// A model load says what it is doing: each file as it is read, then prepared (the session built).
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/lib/engine/engine.ts';
import type { LoadProgress } from '../../../src/lib/engine/model-files/load-progress.ts';
import { loadLine } from '../../../src/lib/ui/load-line.ts';
import { dirReader } from '../../../src/cli/dir-reader.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';

describe('model load progress', () => {
  it('reports read then prepare for each file of the folder, with sizes, in order', async () => {
    const engine = new Engine();
    await engine.init({ backend: 'wasm' });
    const seen: LoadProgress[] = [];
    await engine.loadScorer({ kind: 'reader', origin: 'tiny', read: dirReader(MODEL_DIRS.tiny) }, {}, (p) => seen.push(p));
    await engine.dispose();
    const model = seen.filter((p) => p.file === 'model.onnx');
    expect(model.map((p) => p.step)).toEqual(['read', 'prepare']);
    expect(model[1].bytes).toBeGreaterThan(1_000_000);
    expect(seen[0]).toEqual({ step: 'read', file: 'preflens.json' });
    for (let i = 0; i < seen.length; i += 2) expect([seen[i].step, seen[i + 1].step, seen[i + 1].file]).toEqual(['read', 'prepare', seen[i].file]);
  });

  it('says it in words', () => {
    expect(loadLine({ step: 'read', file: 'unet/model.onnx' })).toBe('reading model.onnx…');
    expect(loadLine({ step: 'prepare', file: 'model.onnx', bytes: 1_572_056 })).toBe('building the onnxruntime session for model.onnx (1.6 MB)…');
    expect(loadLine({ step: 'prepare', file: 'tokenizer.json', bytes: 646_240 })).toBe('preparing tokenizer.json (646.2 kB)…');
    expect(loadLine(null)).toBe('');
  });
});
