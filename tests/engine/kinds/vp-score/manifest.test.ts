import { describe, expect, it } from 'vitest';
import { parseVpManifest } from '../../../../src/lib/engine/kinds/vp-score/manifest.ts';
import { ManifestError } from '../../../../src/lib/engine/errors.ts';

const good = {
  kind: 'vp-score', id: 'x', name: 'X', mean: 0.1, std: 1, maxLength: 35, imageSize: 224,
  files: { model: 'model.onnx', tokenizer: 'tokenizer.json' },
};
const parse = (m: unknown) => () => parseVpManifest(JSON.stringify(m));

describe('parseVpManifest', () => {
  it('accepts a valid manifest', () => {
    expect(parseVpManifest(JSON.stringify(good)).files.model).toBe('model.onnx');
  });
  it('rejects bad JSON, unknown and missing fields, each by name', () => {
    expect(() => parseVpManifest('{')).toThrow(ManifestError);
    expect(parse({ ...good, meen: 1 })).toThrow('unknown field "meen"');
    const { std: _std, ...noStd } = good;
    expect(parse(noStd)).toThrow('missing field "std"');
    expect(parse({ ...good, std: 0 })).toThrow('"std" must be positive');
    expect(parse({ ...good, maxLength: 77 })).toThrow('"maxLength" must be 35');
    expect(parse({ ...good, files: { model: '../m.onnx', tokenizer: 't.json' } })).toThrow('"files.model"');
  });
});
