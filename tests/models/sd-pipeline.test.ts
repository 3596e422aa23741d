// sd-tiny through SD-Turbo's sampler, end to end on onnxruntime-web (wasm, Node): the images must
// depend visibly on prompt and seed, be smooth (not noise), and neither flat nor saturated; fp16
// must give the same pictures as fp32. PNGs go to models/out/sd-tiny-preview/ for a human to look at.
// The sampler is written out here on purpose (not imported from src/), so the models are checked
// against SD-Turbo's maths, not against the app's implementation of it.
import { Tokenizer } from '@huggingface/tokenizers';
import { encode } from 'fast-png';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Gaussian } from '../../models/prng.ts';
import type { FloatVariant } from '../../models/sd-tiny/typed-graph.ts';
import { buildSdFolders, floatData, floatTensor, openSdSessions, ort, type SdSessions } from './sd-fixtures.ts';

const PREVIEW_DIR = fileURLToPath(new URL('../../models/out/sd-tiny-preview/', import.meta.url));
const PROMPTS = ['a red cat on a table', 'three green apples in a forest'];
const SEEDS = [1, 2, 3];
const SIZE = 64;

/** σ_t of SD's scaled_linear schedule (β from 0.00085 to 0.012, linear in √β, 1000 steps). */
function sigma(t: number): number {
  let alphaBar = 1;
  for (let s = 0; s <= t; s++) alphaBar *= 1 - (Math.sqrt(0.00085) + ((Math.sqrt(0.012) - Math.sqrt(0.00085)) * s) / 999) ** 2;
  return Math.sqrt((1 - alphaBar) / alphaBar);
}
/** SD-Turbo's timesteps ("trailing" spacing): 1 step [999], 4 steps [999, 749, 499, 249]. */
const timesteps = (steps: number) => Array.from({ length: steps }, (_, i) => 999 - i * (1000 / steps));

let tok: Tokenizer;
const sessions: Partial<Record<FloatVariant, SdSessions>> = {};
beforeAll(async () => {
  const dir = buildSdFolders()['sd-tiny'].dir;
  tok = new Tokenizer(JSON.parse(readFileSync(`${dir}/tokenizer.json`, 'utf8')), {});
  [sessions.fp32, sessions.fp16] = await Promise.all([openSdSessions(dir, 'fp32'), openSdSessions(dir, 'fp16')]);
}, 60_000);

/** prompt → RGB bytes [64·64·3], SD-Turbo style: Euler ancestral from σ_max, x0 through the VAE. */
async function generate(variant: FloatVariant, prompt: string, seed: number, steps: number): Promise<Uint8Array> {
  const s = sessions[variant]!;
  const ids = Int32Array.from(tok.encode(prompt).ids);
  const hidden = (await s.text_encoder.run({ input_ids: new ort.Tensor('int32', ids, [1, ids.length]) })).last_hidden_state;
  const ts = timesteps(steps);
  const sigmas = [...ts.map(sigma), 0];
  const noise = new Gaussian(seed);
  let x = noise.fill(4 * 8 * 8, sigmas[0]); // latents = N(0,1)·σ_max
  let x0 = x;
  for (let i = 0; i < ts.length; i++) {
    const [sig, next] = [sigmas[i], sigmas[i + 1]];
    const scaled = x.map((v) => v / Math.sqrt(sig * sig + 1));
    const eps = floatData(
      (
        await s.unet.run({
          sample: floatTensor(variant, scaled, [1, 4, 8, 8]),
          timestep: new ort.Tensor('int64', [BigInt(ts[i])], [1]),
          encoder_hidden_states: hidden,
        })
      ).out_sample,
    );
    x0 = x.map((v, j) => v - sig * eps[j]);
    const up = Math.sqrt((next * next * (sig * sig - next * next)) / (sig * sig));
    const down = Math.sqrt(next * next - up * up);
    x = x.map((v, j) => v + ((v - x0[j]) / sig) * (down - sig) + noise.next() * up);
  }
  const latent = floatTensor(variant, x0.map((v) => v / 0.18215), [1, 4, 8, 8]);
  const img = floatData((await s.vae_decoder.run({ latent_sample: latent })).sample); // [1,3,64,64]
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let p = 0; p < SIZE * SIZE; p++) {
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round(Math.min(1, Math.max(0, img[c * SIZE * SIZE + p] / 2 + 0.5)) * 255);
  }
  return rgb;
}

const fmt = (a: number[]) => a.map((v) => v.toFixed(1)).join(', ');
const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

function stats(rgb: Uint8Array) {
  const mean = rgb.reduce((s, v) => s + v, 0) / rgb.length;
  const std = Math.sqrt(rgb.reduce((s, v) => s + (v - mean) ** 2, 0) / rgb.length);
  const saturated = rgb.filter((v) => v === 0 || v === 255).length / rgb.length;
  let neighbour = 0;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x + 1 < SIZE; x++) for (let c = 0; c < 3; c++) neighbour += Math.abs(rgb[(y * SIZE + x) * 3 + c] - rgb[(y * SIZE + x + 1) * 3 + c]);
  }
  return { std, saturated, neighbour: neighbour / (SIZE * (SIZE - 1) * 3) };
}

/** Writes one PNG per image and a montage (rows = images of one prompt, 2× scale) for viewing. */
function writePreviews(rows: { label: string; images: Uint8Array[] }[]): void {
  mkdirSync(PREVIEW_DIR, { recursive: true });
  const png = (w: number, h: number, data: Uint8Array) => encode({ width: w, height: h, data, channels: 3 });
  for (const r of rows) r.images.forEach((im, i) => writeFileSync(`${PREVIEW_DIR}${r.label}-seed${SEEDS[i]}.png`, png(SIZE, SIZE, im)));
  const cell = SIZE * 2 + 4;
  const [w, h] = [SEEDS.length * cell, rows.length * cell];
  const out = new Uint8Array(w * h * 3).fill(255);
  rows.forEach((r, ry) =>
    r.images.forEach((im, rx) => {
      for (let y = 0; y < SIZE * 2; y++) {
        for (let x = 0; x < SIZE * 2; x++) {
          const src = ((y >> 1) * SIZE + (x >> 1)) * 3;
          out.set(im.subarray(src, src + 3), ((ry * cell + y) * w + rx * cell + x) * 3);
        }
      }
    }),
  );
  writeFileSync(`${PREVIEW_DIR}montage.png`, png(w, h, out));
}

describe('sd-tiny through the SD-Turbo sampler', () => {
  it('makes smooth, coloured images that change with the prompt and the seed (1 and 4 steps)', async () => {
    const rows: { label: string; images: Uint8Array[] }[] = [];
    for (const steps of [1, 4]) {
      for (const prompt of PROMPTS) {
        const images: Uint8Array[] = [];
        for (const seed of SEEDS) images.push(await generate('fp32', prompt, seed, steps)); // one run at a time per session
        rows.push({ label: `${steps}step-${prompt.replaceAll(' ', '-')}`, images });
      }
    }
    writePreviews(rows);
    // White noise (independent uniform bytes) has a neighbour difference of 255/3 = 85.
    for (const r of rows) {
      r.images.forEach((im, i) => {
        const s = stats(im);
        console.log(`${r.label} seed ${SEEDS[i]}: std ${s.std.toFixed(1)}, saturated ${(100 * s.saturated).toFixed(1)}%, neighbour Δ ${s.neighbour.toFixed(2)}`);
        expect(s.std).toBeGreaterThan(20);
        expect(s.saturated).toBeLessThan(0.5);
        expect(s.neighbour).toBeLessThan(85 / 10);
      });
    }
    const [byPrompt, bySeed]: number[][] = [[], []];
    for (const first of [0, 2]) {
      const [a, b] = [rows[first], rows[first + 1]]; // same steps, the two prompts
      SEEDS.forEach((_, i) => byPrompt.push(meanAbsDiff(a.images[i], b.images[i])));
      for (const r of [a, b]) for (let i = 1; i < SEEDS.length; i++) bySeed.push(meanAbsDiff(r.images[0], r.images[i]));
    }
    console.log(`mean |Δ| between prompts (same seed): ${fmt(byPrompt)}; between seeds (same prompt): ${fmt(bySeed)}`);
    expect(Math.min(...byPrompt)).toBeGreaterThan(8);
    expect(Math.min(...bySeed)).toBeGreaterThan(8);
    // Reproducible: the same request gives the same bytes.
    expect(await generate('fp32', PROMPTS[0], SEEDS[0], 1)).toEqual(rows[0].images[0]);
  });

  // fp16 rounding of the UNet's output is amplified by σ = 14.6 in x0 (≈ 0.01 at most, see
  // sd-graphs.test.ts), then divided by 0.18215 and smoothed by the VAE: a pixel moves by a few
  // levels at most, on average well under one.
  it('gives the same 1-step images in fp16 as in fp32 (mean |Δ| < 1 of 255, max < 16)', async () => {
    for (const prompt of PROMPTS) {
      for (const seed of SEEDS) {
        const [a, b] = [await generate('fp32', prompt, seed, 1), await generate('fp16', prompt, seed, 1)];
        const max = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
        console.log(`fp16 vs fp32 "${prompt}" seed ${seed}: mean |Δ| ${meanAbsDiff(a, b).toFixed(3)}, max |Δ| ${max}`);
        expect(meanAbsDiff(a, b)).toBeLessThan(1);
        expect(max).toBeLessThan(16);
      }
    }
  });
});
