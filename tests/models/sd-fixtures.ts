// Shared helpers for the diffusion-family tests: build the folders into a temp dir (so the tests do
// not depend on `npm run models` having run), open the graphs on onnxruntime-web's wasm backend,
// and move float16 data in and out (ort-web takes and returns float16 as raw Uint16Array bits in Node).
import { fromFloat16Bits as fromHalfBits, toFloat16Bits as toHalfBits } from '../../src/lib/engine/runtime/float16.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSdFolders as buildSdFolderSet, graphFile, type BuiltSdFolder, type GraphName } from '../../models/sd-tiny/build-folder.ts';
import type { FloatVariant } from '../../models/sd-tiny/typed-graph.ts';
import { SD_FOLDERS } from '../../models/sd-tiny/variants.ts';
import { ort } from './fixtures.ts';

export { ort };

/** Every diffusion folder `npm run models` writes, keyed by manifest id, under a fresh temp dir. */
export function buildSdFolders(): Record<string, BuiltSdFolder> {
  return buildSdFolderSet(SD_FOLDERS, mkdtempSync(join(tmpdir(), 'preflens-sd-')));
}

export type SdSessions = Record<GraphName, ort.InferenceSession>;

export async function openSdSessions(dir: string, variant: FloatVariant): Promise<SdSessions> {
  const open = (g: GraphName) =>
    ort.InferenceSession.create(new Uint8Array(readFileSync(join(dir, graphFile(g, variant)))), { executionProviders: ['wasm'] });
  const [text_encoder, unet, vae_decoder] = await Promise.all([open('text_encoder'), open('unet'), open('vae_decoder')]);
  return { text_encoder, unet, vae_decoder };
}

// The engine's float16 conversions (one implementation), under the names these tests use.
export { fromHalfBits, toHalfBits };

/** `a` rounded to float16 and back: the values an fp16 graph actually receives. */
export const roundToHalf = (a: Float32Array) => fromHalfBits(toHalfBits(a));
/** A float tensor in the variant's dtype, from float32 values. */
export function floatTensor(variant: FloatVariant, data: Float32Array, dims: number[]): ort.Tensor {
  return variant === 'fp16' ? new ort.Tensor('float16', toHalfBits(data), dims) : new ort.Tensor('float32', data, dims);
}

/** A float output as float32 values, whichever dtype the graph returned. */
export function floatData(t: ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16' && t.data instanceof Uint16Array) return fromHalfBits(t.data);
  throw new TypeError(`unexpected ${t.type} output (${Object.prototype.toString.call(t.data)})`);
}

/** max |a − b| and max |a|, for tolerances relative to the activation scale. */
export function compare(a: Float32Array, b: Float32Array): { maxDiff: number; meanDiff: number; scale: number } {
  let maxDiff = 0;
  let sum = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    maxDiff = Math.max(maxDiff, d);
    sum += d;
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return { maxDiff, meanDiff: sum / a.length, scale };
}
