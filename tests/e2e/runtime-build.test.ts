// The onnxruntime build the app ships (dist/, as the worker loads it) computes SD-Turbo's timestep
// embedding — int64 → Cast → sinusoids — right on the native WebGPU EP (SwiftShader) and on WASM.
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from 'vite';
import { launch, serveDist, type Browser } from '../../scripts/harness/chromium.ts';
import { expectedEmbedding, HALF, timestepEmbeddingGraph } from '../fixtures/timestep-embedding-graph.ts';

let server: PreviewServer;
let url: string;
let b: Browser;
beforeAll(async () => {
  ({ server, url } = await serveDist());
  b = await launch(true);
  await b.page.goto(url);
});
afterAll(async () => {
  await b?.close();
  await server?.close();
});

const TIMESTEPS = [999, 749, 499, 0];

/** Run the graph in the page with the app's own chunk of the given build, on one EP. */
async function runInPage(chunk: string, ep: 'webgpu' | 'wasm'): Promise<{ emb: number[]; scaled: number[] }> {
  const model = Array.from(timestepEmbeddingGraph());
  return b.page.evaluate(async ([src, ep, model, timesteps]) => {
    // Not `import(src)`: vitest would rewrite it into its own loader, which the page does not have.
    const ort = await (new Function('s', 'return import(s)') as (s: string) => Promise<typeof import('onnxruntime-web')>)(src);
    const session = await ort.InferenceSession.create(new Uint8Array(model), { executionProviders: [ep] });
    const t = new ort.Tensor('int64', BigInt64Array.from(timesteps.map(BigInt)), [timesteps.length]);
    const out = await session.run({ timestep: t });
    const res = { emb: Array.from(out.emb.data as Float32Array), scaled: Array.from(out.scaled.data as Float32Array) };
    await session.release();
    return res;
  }, [new URL(`assets/${chunk}`, url).href, ep, model, TIMESTEPS] as const);
}

describe('the shipped JSPI build', () => {
  const chunk = readdirSync('dist/assets').find((f) => /^ort\.jspi\.bundle\.min-.*\.js$/.test(f));
  it('is in the build', () => expect(chunk).toBeTruthy());

  // float32 arguments up to 999 rad carry ~6e-5 rad of rounding (999 × 2^-24); 2e-3 leaves room for
  // a GPU's sin/cos, and a wrong Cast (timesteps read as other numbers) is off by up to 2.
  it.each(['webgpu', 'wasm'] as const)('%s: int64 timesteps → Cast → sinusoidal embedding, as float64 math says', async (ep) => {
    const { emb, scaled } = await runInPage(chunk!, ep);
    const want = expectedEmbedding(TIMESTEPS);
    expect(emb).toHaveLength(TIMESTEPS.length * 2 * HALF);
    const worst = Math.max(...emb.map((v, i) => Math.abs(v - want[i])));
    console.info(`${ep}: max |Δ| of the embedding vs float64: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(2e-3);
    scaled.forEach((v, i) => expect(v).toBeCloseTo(TIMESTEPS[i] * 0.001, 6));
  });
});
