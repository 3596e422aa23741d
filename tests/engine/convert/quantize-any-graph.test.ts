// quantizeQ8's `anyGraph` (the bench's SDXS-dimension family): the VP-Score contract check that a
// user's wrong file meets by default is skipped, and another float32 graph — sd-tiny's text
// encoder here — is quantized and still computes nearly what it did.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../../src/lib/engine/runtime/onnx-io.ts';
import { quantizeQ8 } from '../../../src/lib/engine/convert/quantize-q8.ts';
import { configureRuntime, createSession, run, tensor } from '../../../src/lib/engine/runtime/ort-session.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';

const bytes = () => new Uint8Array(readFileSync(join(MODEL_DIRS.sdTiny, 'text_encoder.onnx')));

beforeAll(async () => {
  await configureRuntime({ ep: 'wasm', numThreads: 1 });
});

describe('quantizeQ8 on a graph that is not VP-Score', () => {
  it('refuses it by default, naming the contract', () => {
    expect(() => quantizeQ8(decodeModel(bytes()), 'text_encoder')).toThrow(/text_encoder is not a float32 VP-Score graph/);
  });

  it('with anyGraph quantizes it, and its output stays close to float32', async () => {
    const q8 = encodeModel(quantizeQ8(decodeModel(bytes()), 'text_encoder', { anyGraph: true }));
    expect(q8.byteLength).toBeLessThan(bytes().byteLength * 0.6);
    const ids = tensor('int32', Int32Array.from([0, 5, 17, 42, 99, 1]), [1, 6]);
    const out = async (b: Uint8Array) => {
      const s = await createSession(b, 'wasm', 'text_encoder.onnx');
      const r = (await run(s, { input_ids: ids })).last_hidden_state.data as Float32Array;
      await s.release();
      return r;
    };
    const [a, b] = [await out(bytes()), await out(q8)];
    const rms = Math.sqrt(a.reduce((n, v) => n + v * v, 0) / a.length);
    const err = Math.sqrt(a.reduce((n, v, i) => n + (v - b[i]) ** 2, 0) / a.length);
    expect(err / rms).toBeLessThan(0.05);
    expect(err).toBeGreaterThan(0); // it did change the weights
  });
});
