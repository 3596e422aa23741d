// Golden test: decode + preprocess must reproduce PIL 9.4's tensors in tests/fixtures/golden/
// preprocess (a copy of shared/golden/preprocess, PIL's own output). The contract allows
// max |Δ| ≤ 0.02 and mean |Δ| ≤ 0.002 in normalised units (one 8-bit level is ≈ 0.0146); the PIL port is byte-exact, so this asserts
// float32 equality up to rounding noise, far tighter than the contract.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/lib/engine/image/decode.ts';
import { IMAGE_TENSOR_SIZE, preprocessImage } from '../../../src/lib/engine/image/preprocess.ts';

const goldenDir = fileURLToPath(new URL('../../fixtures/golden/preprocess/', import.meta.url));
const cases: { image: string; tensor: string; shape: number[] }[] = JSON.parse(
  readFileSync(goldenDir + 'cases.json', 'utf8'),
).cases;

function readF32(file: string): Float32Array {
  const b = readFileSync(file);
  // Little-endian float32, as the golden files are written (and as every JS host we run on is).
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

describe('preprocessImage (golden, PIL 9.4)', () => {
  it.each(cases)('$image', async (c) => {
    expect(c.shape).toEqual([3, 224, 224]);
    const img = await decodeImage(new Uint8Array(readFileSync(goldenDir + c.image)), c.image);
    const got = preprocessImage(img);
    const want = readF32(goldenDir + c.tensor);
    expect(got.length).toBe(want.length);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < want.length; i++) {
      const d = Math.abs(got[i] - want[i]);
      max = Math.max(max, d);
      sum += d;
    }
    const mean = sum / want.length;
    console.info(`golden ${c.image}: max |Δ| ${max}, mean |Δ| ${mean}`);
    expect(max).toBeLessThanOrEqual(1e-6);
    expect(mean).toBeLessThanOrEqual(1e-7);
  });
});

describe('preprocessImage', () => {
  const img = { width: 300, height: 250, data: new Uint8Array(300 * 250 * 3).map((_, i) => (i * 7) % 256) };

  it('fills a batch tensor in place at an offset, the same as a fresh tensor', () => {
    expect(IMAGE_TENSOR_SIZE).toBe(3 * 224 * 224);
    const alone = preprocessImage(img);
    expect(alone.length).toBe(IMAGE_TENSOR_SIZE);
    const batch = new Float32Array(3 * IMAGE_TENSOR_SIZE);
    const returned = preprocessImage(img, batch, 2 * IMAGE_TENSOR_SIZE);
    expect(returned).toBe(batch);
    // Compared as bytes: deep equality over 150k floats is needlessly slow.
    const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    expect(bytes(batch.subarray(2 * IMAGE_TENSOR_SIZE)).equals(bytes(alone))).toBe(true);
    expect(batch.subarray(0, 2 * IMAGE_TENSOR_SIZE).every((v) => v === 0)).toBe(true);
  });

  it('takes a 224×224 image straight to normalisation', () => {
    const square = { width: 224, height: 224, data: new Uint8Array(224 * 224 * 3).fill(255) };
    const out = preprocessImage(square);
    expect(out[0]).toBeCloseTo((1 - 0.48145466) / 0.26862954, 5);
  });
});
