// Shared helpers for the model-builder tests: build the folders into a temp dir (so the tests do
// not depend on `npm run models` having run) and run graphs on onnxruntime-web's wasm backend.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { buildVpFolder, type BuiltFolder } from '../../models/vp-score/build-folder.ts';
import { FOLDERS } from '../../models/vp-score/variants.ts';

ort.env.wasm.numThreads = 1;

export { ort };

/** Every folder `npm run models` writes, keyed by manifest id, built under a fresh temp dir. */
export function buildAllFolders(): Record<string, BuiltFolder> {
  const root = mkdtempSync(join(tmpdir(), 'preflens-models-'));
  const built: Record<string, BuiltFolder> = {};
  for (const spec of FOLDERS) {
    const reuse = spec.weightsOf ? built[spec.weightsOf].calibration : undefined;
    built[spec.config.id] = buildVpFolder(spec.config, join(root, spec.dir), spec.variant, reuse);
  }
  return built;
}

export function openSession(dir: string): Promise<ort.InferenceSession> {
  const bytes = new Uint8Array(readFileSync(join(dir, 'model.onnx')));
  return ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
}

export async function runRewards(
  session: ort.InferenceSession,
  pixels: Float32Array,
  ids: BigInt64Array,
  mask: BigInt64Array,
  batch: number,
): Promise<{ rewards: number[]; dims: readonly number[] }> {
  const out = await session.run({
    pixel_values: new ort.Tensor('float32', pixels, [batch, 3, 224, 224]),
    input_ids: new ort.Tensor('int64', ids, [batch, 35]),
    attention_mask: new ort.Tensor('int64', mask, [batch, 35]),
  });
  const reward = out.reward;
  return { rewards: Array.from(reward.data as Float32Array), dims: reward.dims };
}

/** Rows `rows` of a [n, rowLen] array, concatenated (to assemble batches from per-item inputs). */
export function pickRows<T extends Float32Array | BigInt64Array>(src: T, rowLen: number, rows: number[]): T {
  const out = new (src.constructor as new (n: number) => T)(rows.length * rowLen);
  rows.forEach((r, i) => out.set(src.subarray(r * rowLen, (r + 1) * rowLen) as never, i * rowLen));
  return out;
}

export const maxAbsDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

export const std = (a: number[]) => {
  const m = a.reduce((x, y) => x + y, 0) / a.length;
  return Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / a.length);
};
