// A checkpoint turned into a VP-Score graph by TypeScript alone gives the rewards of the Python
// exporter's ONNX (tools/export_vp_score.py, the reference) and of PyTorch, on the inputs the
// exporter saves with --save-check: from the .pt and from the same tensors as .safetensors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { imageRewardWeights } from '../../../../../src/lib/engine/kinds/vp-score/import/checkpoint-weights.ts';
import { loadImageReward } from '../../../../../src/lib/engine/kinds/vp-score/import/image-reward-layout.ts';
import { openCheckpoint } from '../../../../../src/lib/engine/checkpoint/open-checkpoint.ts';
import { buildVpGraph } from '../../../../../src/lib/engine/kinds/vp-score/graph/vp-score-graph.ts';
import { fileSource } from '../../../../../src/cli/file-source.ts';
import { FIXTURE_HEADS } from '../../../../fixtures/checkpoint-fixture.ts';
import { configureRuntime, createSession, type ExternalData, run, tensor } from '../../../../../src/lib/engine/runtime/ort-session.ts';

const dir = inject('checkpointFixture');
const HEADS = FIXTURE_HEADS;

interface Check { pixelShape: number[]; inputIds: number[][]; attentionMask: number[][]; reward: number[] }
let check: Check;
let pixels: Float32Array;
let pythonOnnx: Float32Array;

async function rewards(model: Uint8Array, externalData?: ExternalData[]): Promise<Float32Array> {
  const n = check.pixelShape[0];
  const ints = (rows: number[][]) => BigInt64Array.from(rows.flat(), (v) => BigInt(v));
  const session = await createSession(model, 'wasm', 'model.onnx', { externalData });
  const out = await run(session, {
    pixel_values: tensor('float32', pixels, check.pixelShape),
    input_ids: tensor('int64', ints(check.inputIds), [n, 35]),
    attention_mask: tensor('int64', ints(check.attentionMask), [n, 35]),
  });
  await session.release();
  return (out.reward.data as Float32Array).slice();
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

beforeAll(async () => {
  await configureRuntime({ ep: 'wasm' });
  check = JSON.parse(readFileSync(join(dir, 'check', 'check.json'), 'utf8'));
  const raw = readFileSync(join(dir, 'check', 'pixel_values.f32'));
  pixels = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  // The exporter's layout: the graph and its weights in model.onnx_data.
  const data = new Uint8Array(readFileSync(join(dir, 'py', 'model.onnx_data')));
  pythonOnnx = await rewards(new Uint8Array(readFileSync(join(dir, 'py', 'model.onnx'))), [{ path: 'model.onnx_data', data }]);
}, 180_000);

describe('a VP-Score graph built in TypeScript from a checkpoint', () => {
  it.each(['ckpt.pt', 'ckpt.safetensors'])('%s: the rewards of the Python export (1e-5) and of PyTorch (1e-4)', async (file) => {
    const source = fileSource(join(dir, file));
    const weights = imageRewardWeights(loadImageReward(await openCheckpoint(source), HEADS));
    const model = buildVpGraph({ id: 'imported', visionHeads: HEADS.vision, textHeads: HEADS.text }, weights, 'imported in a test');
    source.close();
    const got = await rewards(model);
    const vsPython = maxAbs(got, pythonOnnx);
    const vsTorch = maxAbs(got, check.reward);
    console.log(`${file}: ${got.length} rows, max |Δ| vs the Python export ${vsPython.toExponential(2)}, vs PyTorch ${vsTorch.toExponential(2)}`);
    expect(got.length).toBe(check.pixelShape[0]);
    expect(vsPython).toBeLessThanOrEqual(1e-5);
    expect(vsTorch).toBeLessThanOrEqual(1e-4);
  }, 60_000);
});
