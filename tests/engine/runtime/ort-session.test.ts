import { describe, expect, it } from 'vitest';
import { loadError } from '../../../src/lib/engine/runtime/ort-session.ts';
import { ModelFileError, OutOfMemoryError } from '../../../src/lib/engine/errors.ts';

describe('loadError', () => {
  it('tells running out of memory apart from a broken file', () => {
    // The message ort-web 1.30 gives for the full-size fp32 VP-Score (1.8 GB) on WASM (bench).
    const oom = loadError(new Error("Can't create a session. ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc"), 1785870403, 'wasm', 'vp/model.onnx');
    expect(oom).toBeInstanceOf(OutOfMemoryError);
    expect(oom.message).toMatch(/^vp\/model\.onnx \(1703 MB\) does not fit in WASM memory .* use a smaller variant \(q8 for WASM/);
    expect(oom.message).toMatch(/held twice while loading/);
    // Weights given as a Blob are not copied into JS first: the message does not claim they are.
    expect(loadError(new Error('std::bad_alloc'), 1785870403, 'wasm', 'vp/model.onnx', false).message).toMatch(/\(4 GB at most\): use a smaller variant/);
    const bad = loadError(new Error('protobuf parsing failed'), 10, 'wasm', 'm.onnx');
    expect(bad).toBeInstanceOf(ModelFileError);
    expect(bad.message).toMatch(/^m\.onnx \(10 bytes\) is not a loadable ONNX model/);
  });
});
