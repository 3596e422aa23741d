// Free dimensions fixed at load: read from the graph without decoding its weights, pinned by the
// shapes the pipeline always feeds, and really applied by onnxruntime (another batch is refused).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freeDimensionOverrides, graphInputDims } from '../../../src/lib/engine/runtime/free-dimensions.ts';
import { configureRuntime, createSession, run, tensor } from '../../../src/lib/engine/runtime/ort-session.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';

const graph = (dir: string, file: string) => new Uint8Array(readFileSync(join(dir, file)));

beforeAll(async () => {
  await configureRuntime({ ep: 'wasm', numThreads: 1 });
});

describe('free dimensions', () => {
  it('reads each input\'s dims, named or fixed, from one-file and split graphs', () => {
    expect(graphInputDims(graph(MODEL_DIRS.sdTiny, 'unet.onnx'))).toEqual({
      sample: ['batch', 4, 8, 8], timestep: ['batch'], encoder_hidden_states: ['batch', 'sequence', 32],
    });
    const vp = { pixel_values: ['batch', 3, 224, 224], input_ids: ['batch', 35], attention_mask: ['batch', 35] };
    expect(graphInputDims(graph(MODEL_DIRS.tiny, 'model.onnx'))).toEqual(vp);
    expect(graphInputDims(graph(MODEL_DIRS.tinyExt, 'model.onnx'))).toEqual(vp);
  });

  it('pins each named dimension the shapes agree on, and leaves one they disagree on free', () => {
    const unet = graphInputDims(graph(MODEL_DIRS.sdTiny, 'unet.onnx'));
    expect(freeDimensionOverrides(unet, { sample: [1, 4, 8, 8], timestep: [1], encoder_hidden_states: [1, 77] })).toEqual({ batch: 1, sequence: 77 });
    expect(freeDimensionOverrides(unet, { sample: [1, 4, 8, 8], timestep: [2] })).toEqual({});
    expect(freeDimensionOverrides(unet, {})).toEqual({});
  });

  it('onnxruntime applies them: the VAE fixed at batch 1 refuses batch 2, which it runs without them', async () => {
    const bytes = graph(MODEL_DIRS.sdTiny, 'vae_decoder.onnx');
    const latents = (b: number) => ({ latent_sample: tensor('float32', new Float32Array(b * 256).fill(0.1), [b, 4, 8, 8]) });
    const fixed = await createSession(bytes, 'wasm', 'vae_decoder.onnx', { shapes: () => ({ latent_sample: [1, 4, 8, 8] }) });
    const free = await createSession(bytes, 'wasm', 'vae_decoder.onnx');
    const a = await run(fixed, latents(1));
    const b = await run(free, latents(1));
    expect(Array.from(a.sample.data as Float32Array)).toEqual(Array.from(b.sample.data as Float32Array));
    expect((await run(free, latents(2))).sample.dims[0]).toBe(2);
    await expect(run(fixed, latents(2))).rejects.toThrow(/dimension|shape/i);
  });
});
