import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { filesReader, readGraph } from '../../../src/lib/engine/model-files/read-file.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('readGraph with external data', () => {
  const graph = new Uint8Array([1, 2, 3]);
  const data = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
  const file = (name: string, bytes: Uint8Array) => new File([bytes as Uint8Array<ArrayBuffer>], name);
  const entry = { file: 'model.onnx', data: { file: 'model.onnx_data', bytes: data.byteLength, sha256: sha(data) } };

  it('picked files hand the data over as the File itself (no copy), verified by streaming it through the hash', async () => {
    const picked = [file('model.onnx', graph), file('model.onnx_data', data)];
    const { bytes, externalData } = await readGraph(filesReader(picked, 'pick'), 'pick', entry);
    expect(bytes).toEqual(graph);
    expect(externalData![0].path).toBe('model.onnx_data');
    expect(externalData![0].data).toBe(picked[1]);
  });

  it('a data file with other contents or length is refused, naming it', async () => {
    const changed = data.slice();
    changed[5] ^= 1;
    await expect(readGraph(filesReader([file('model.onnx', graph), file('model.onnx_data', changed)], 'pick'), 'pick', entry))
      .rejects.toThrow(/pick\/model\.onnx_data has sha256 .* preflens\.json expects .*: corrupt or a different model/);
    await expect(readGraph(filesReader([file('model.onnx', graph), file('model.onnx_data', data.subarray(1))], 'pick'), 'pick', entry))
      .rejects.toThrow('pick/model.onnx_data is 299999 bytes but preflens.json says 300000: truncated or replaced');
  });

  it('stand-ins that are not Blobs (tests, Node) are read as bytes', async () => {
    const like = (name: string, b: Uint8Array) => ({ name, arrayBuffer: async () => b.slice().buffer });
    const { externalData } = await readGraph(filesReader([like('model.onnx', graph), like('model.onnx_data', data)], 'x'), 'x', entry);
    expect(externalData![0].data).toEqual(data);
  });
});
