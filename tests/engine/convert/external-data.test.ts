import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { joinExternalData, splitExternalData } from '../../../src/lib/engine/convert/external-data.ts';
import { decodeModel, onnx } from '../../../src/lib/engine/runtime/onnx-io.ts';
import { configureRuntime, createSession, run, tensor } from '../../../src/lib/engine/runtime/ort-session.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';

const model = () => new Uint8Array(readFileSync(join(MODEL_DIRS.tiny, 'model.onnx')));

beforeAll(async () => {
  await configureRuntime({ ep: 'wasm', numThreads: 1 });
});

describe('splitExternalData', () => {
  it('leaves a small graph and puts every large weight, 4 KiB-aligned, in one data file', () => {
    const bytes = model();
    const { graph, data } = splitExternalData(bytes, 'model.onnx_data');
    expect(graph.byteLength).toBeLessThan(bytes.byteLength / 4);
    const inits = decodeModel(graph).graph!.initializer!;
    const external = inits.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.length).toBeGreaterThan(10);
    for (const t of external) {
      const kv = Object.fromEntries(t.externalData!.map((e) => [e.key, e.value]));
      expect(kv.location).toBe('model.onnx_data');
      expect(Number(kv.offset) % 4096).toBe(0);
      expect(Number(kv.offset) + Number(kv.length)).toBeLessThanOrEqual(data.byteLength);
    }
    expect(() => splitExternalData(graph, 'x')).toThrow('already keeps weights in external data');
  });

  it('joinExternalData gives back the very bytes that were split, and names a missing or short data file', () => {
    const bytes = model();
    const { graph, data } = splitExternalData(bytes, 'model.onnx_data');
    expect(Buffer.from(joinExternalData(graph, [{ path: 'model.onnx_data', data }])).equals(Buffer.from(bytes))).toBe(true);
    expect(() => joinExternalData(graph, [{ path: 'other.bin', data }])).toThrow(/kept in model\.onnx_data, which was not given \(found: other\.bin\)/);
    expect(() => joinExternalData(graph, [{ path: 'model.onnx_data', data: data.subarray(0, data.byteLength - 1) }])).toThrow(/truncated/);
  });

  it('onnxruntime gives the same rewards from the split files, the data as bytes or as a Blob', async () => {
    const bytes = model();
    const { graph, data } = splitExternalData(bytes, 'model.onnx_data');
    const feeds = await tinyFeeds(bytes);
    const whole = await run(await createSession(bytes, 'wasm', 'model.onnx'), feeds);
    for (const d of [data, new Blob([data as Uint8Array<ArrayBuffer>])]) {
      const split = await run(await createSession(graph, 'wasm', 'model.onnx', { externalData: [{ path: 'model.onnx_data', data: d }] }), feeds);
      expect(Array.from(split.reward.data as Float32Array)).toEqual(Array.from(whole.reward.data as Float32Array));
    }
  });
});

/** Inputs for the tiny VP-Score graph: one image of noise and a short token sequence. */
async function tinyFeeds(bytes: Uint8Array) {
  const m = decodeModel(bytes).graph!;
  const dims = (name: string) => m.input!.find((i) => i.name === name)!.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue ?? 1) || 1);
  const px = dims('pixel_values');
  const ids = dims('input_ids');
  const n = px.reduce((a, b) => a * b, 1);
  return {
    pixel_values: tensor('float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i)), px),
    input_ids: tensor('int64', BigInt64Array.from({ length: ids[1] }, (_, i) => BigInt(i % 50)), ids),
    attention_mask: tensor('int64', new BigInt64Array(ids[1]).fill(1n), ids),
  };
}
