// The six sd-tiny graphs and the bad-contract UNet on onnxruntime-web (wasm, Node): SD-Turbo's I/O
// metadata, the engine's contract check, dynamic batch and sequence, causal text attention, and
// fp16 against fp32 on the same inputs.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkContract, TEXT_ENCODER_CONTRACT, UNET_CONTRACT, VAE_DECODER_CONTRACT } from '../../src/lib/engine/runtime/contract.ts';
import { parseDiffusionManifest } from '../../src/lib/engine/kinds/sd-turbo/manifest.ts';
import { ContractError } from '../../src/lib/engine/errors.ts';
import { GRAPH_NAMES, type BuiltSdFolder } from '../../models/sd-tiny/build-folder.ts';
import { Gaussian } from '../../models/prng.ts';
import {
  buildSdFolders, compare, floatData, floatTensor, openSdSessions, ort, roundToHalf, type SdSessions,
} from './sd-fixtures.ts';

let built: Record<string, BuiltSdFolder>;
let fp32: SdSessions;
let fp16: SdSessions;
let bad: SdSessions;
beforeAll(async () => {
  built = buildSdFolders();
  [fp32, fp16, bad] = await Promise.all([
    openSdSessions(built['sd-tiny'].dir, 'fp32'),
    openSdSessions(built['sd-tiny'].dir, 'fp16'),
    openSdSessions(built['sd-bad-contract'].dir, 'fp32'),
  ]);
}, 60_000);

const EPS16 = 2 ** -10; // float16 machine epsilon (9.8e-4)
const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
  list.map((m) => (m.isTensor ? [m.name, m.type, m.shape] : [m.name]));
const noise = (seed: number, n: number, std = 1) => new Gaussian(seed).fill(n, std);
const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => (i === 0 ? 1722 : 300 + ((i * 37) % 1400)));

describe('sd-tiny graphs', () => {
  it('have SD-Turbo’s inputs and outputs, in float32 and float16', () => {
    for (const [s, f] of [[fp32, 'float32'], [fp16, 'float16']] as const) {
      expect(meta(s.text_encoder.inputMetadata)).toEqual([['input_ids', 'int32', [1, 'sequence']]]);
      expect(meta(s.text_encoder.outputMetadata)).toEqual([['last_hidden_state', f, [1, 'sequence', 32]]]);
      expect(meta(s.unet.inputMetadata)).toEqual([
        ['sample', f, ['batch', 4, 8, 8]],
        ['timestep', 'int64', ['batch']],
        ['encoder_hidden_states', f, ['batch', 'sequence', 32]],
      ]);
      expect(meta(s.unet.outputMetadata)).toEqual([['out_sample', f, ['batch', 4, 8, 8]]]);
      expect(meta(s.vae_decoder.inputMetadata)).toEqual([['latent_sample', f, ['batch', 4, 8, 8]]]);
      expect(meta(s.vae_decoder.outputMetadata)).toEqual([['sample', f, ['batch', 3, 64, 64]]]);
      const checks = [
        checkContract(s.text_encoder, TEXT_ENCODER_CONTRACT, 'text_encoder'),
        checkContract(s.unet, UNET_CONTRACT, 'unet'),
        checkContract(s.vae_decoder, VAE_DECODER_CONTRACT, 'vae_decoder'),
      ];
      expect(checks[1].maxBatch).toBe(Infinity);
      expect(checks[1].dtypes).toMatchObject({ sample: f, timestep: 'int64', encoder_hidden_states: f });
    }
  });

  it('sd-tiny-taesd has SDXS\'s layout, and the contract check reads its names and ranks', async () => {
    const s = await openSdSessions(built['sd-tiny-taesd'].dir, 'fp32');
    expect(meta(s.text_encoder.inputMetadata)).toEqual([['input_ids', 'int64', [1, 'sequence']]]);
    expect(meta(s.text_encoder.outputMetadata)).toEqual([['last_hidden_state', 'float32', [1, 'sequence', 48]]]);
    expect(meta(s.unet.inputMetadata)[1]).toEqual(['timestep', 'int64', []]);
    expect(meta(s.unet.outputMetadata)).toEqual([['noise_pred', 'float32', ['batch', 4, 8, 8]]]);
    expect(meta(s.vae_decoder.inputMetadata)).toEqual([['latents', 'float32', ['batch', 4, 8, 8]]]);
    expect(meta(s.vae_decoder.outputMetadata)).toEqual([['image', 'float32', ['batch', 3, 64, 64]]]);
    const t = checkContract(s.text_encoder, TEXT_ENCODER_CONTRACT, 'text_encoder');
    const u = checkContract(s.unet, UNET_CONTRACT, 'unet');
    const v = checkContract(s.vae_decoder, VAE_DECODER_CONTRACT, 'vae_decoder');
    expect(t.dtypes.input_ids).toBe('int64');
    expect([u.names.out_sample, u.ranks.timestep]).toEqual(['noise_pred', 0]);
    expect([v.names.latent_sample, v.names.sample]).toEqual(['latents', 'image']);
    await Promise.all(Object.values(s).map((x) => x.release()));
  });

  it('write manifests the engine accepts, with matching sizes and hashes, a few MB in all', () => {
    for (const [id, b] of Object.entries(built)) {
      const text = readFileSync(join(b.dir, 'preflens.json'), 'utf8');
      const m = parseDiffusionManifest(text, `${id}/preflens.json`);
      const layout = id === 'sd-tiny-taesd'
        ? { hiddenSize: 48, decoder: { kind: 'taesd', scalingFactor: 1, outputRange: '[0,1]' } }
        : { hiddenSize: 32, decoder: { kind: 'vae', scalingFactor: 0.18215, outputRange: '[-1,1]' } };
      expect(m).toMatchObject({ id, imageSize: 64, latentChannels: 4, latentFactor: 8, maxTokens: 77, ...layout });
      const sha = (f: string) => createHash('sha256').update(readFileSync(join(b.dir, f))).digest('hex');
      expect(m.tokenizer).toEqual({ file: 'tokenizer.json', bytes: statSync(join(b.dir, 'tokenizer.json')).size, sha256: sha('tokenizer.json') });
      for (const files of Object.values(m.variants)) {
        for (const g of GRAPH_NAMES) {
          expect(files![g].bytes).toBe(statSync(join(b.dir, files![g].file)).size);
          expect(files![g].sha256).toBe(sha(files![g].file));
        }
      }
      console.log(`${id}: ${JSON.stringify(b.bytes)}`);
      expect(Object.values(b.bytes).reduce((a, n) => a + n, 0)).toBeLessThan(3e6);
    }
    expect(Object.keys(parseDiffusionManifest(readFileSync(join(built['sd-tiny'].dir, 'preflens.json'), 'utf8'), 'x').variants)).toEqual(['fp32', 'fp16']);
  });

  it('sd-bad-contract: the UNet takes a float32 timestep, runs, and the contract check refuses it', async () => {
    expect(meta(bad.unet.inputMetadata)[1]).toEqual(['timestep', 'float32', ['batch']]);
    expect(() => checkContract(bad.unet, UNET_CONTRACT, 'unet.onnx')).toThrow(ContractError);
    expect(() => checkContract(bad.unet, UNET_CONTRACT, 'unet.onnx')).toThrow(/"timestep".*int64.*float32/);
    const feeds = (timestep: ort.Tensor) => ({
      sample: new ort.Tensor('float32', noise(3, 256), [1, 4, 8, 8]),
      timestep,
      encoder_hidden_states: new ort.Tensor('float32', noise(4, 5 * 32), [1, 5, 32]),
    });
    const badOut = floatData((await bad.unet.run(feeds(new ort.Tensor('float32', [999], [1])))).out_sample);
    const realOut = floatData((await fp32.unet.run(feeds(new ort.Tensor('int64', [999n], [1])))).out_sample);
    expect(compare(realOut, badOut).maxDiff).toBe(0); // otherwise the same graph
  });

  it('text encoder: any length 1–77, causal (a prefix’s states do not see later tokens)', async () => {
    const run = async (x: Int32Array) =>
      floatData((await fp32.text_encoder.run({ input_ids: new ort.Tensor('int32', x, [1, x.length]) })).last_hidden_state);
    const full = ids(77);
    const all = await run(full);
    expect(all).toHaveLength(77 * 32);
    for (const n of [1, 2, 9]) {
      const prefix = await run(full.slice(0, n));
      expect(compare(prefix, all.subarray(0, n * 32)).maxDiff).toBeLessThan(1e-5);
    }
    const other = full.slice(0, 9);
    other[8] = 700; // changing the last token changes only the last row
    const changed = await run(other);
    expect(compare(changed.subarray(0, 8 * 32), all.subarray(0, 8 * 32)).maxDiff).toBeLessThan(1e-5);
    expect(compare(changed.subarray(8 * 32), all.subarray(8 * 32, 9 * 32)).maxDiff).toBeGreaterThan(0.1);
  });

  it('UNet and VAE take a dynamic batch; each row is independent of the others', async () => {
    const L = 6;
    const sample = noise(5, 3 * 256);
    const context = noise(6, 3 * L * 32);
    const unet = async (b: number) =>
      floatData(
        (
          await fp32.unet.run({
            sample: new ort.Tensor('float32', sample.slice(0, b * 256), [b, 4, 8, 8]),
            timestep: new ort.Tensor('int64', BigInt64Array.from([999n, 499n, 249n].slice(0, b)), [b]),
            encoder_hidden_states: new ort.Tensor('float32', context.slice(0, b * L * 32), [b, L, 32]),
          })
        ).out_sample,
      );
    const three = await unet(3);
    expect(compare(await unet(1), three.subarray(0, 256)).maxDiff).toBeLessThan(1e-5);
    const latents = noise(7, 2 * 256, 2);
    const vae = async (b: number) =>
      floatData((await fp32.vae_decoder.run({ latent_sample: new ort.Tensor('float32', latents.slice(0, b * 256), [b, 4, 8, 8]) })).sample);
    const two = await vae(2);
    expect(two).toHaveLength(2 * 3 * 64 * 64);
    expect(compare(await vae(1), two.subarray(0, 3 * 4096)).maxDiff).toBeLessThan(1e-5);
    expect(Math.max(...two.map(Math.abs))).toBeLessThanOrEqual(1);
  });

  // Tolerances. fp16 rounds the inputs, every weight and the output to 11 significant bits (relative
  // error ≤ EPS16/2 each); the normalisations (in float32) stop errors from compounding across
  // layers. So each output should agree within a few EPS16 of its own scale (max |value|): 8 for the
  // text encoder (4 LayerNorms, 2 attentions, 2 MLPs on a path), 4 for the UNet and VAE, whose fp16
  // output rounding is already EPS16/2 · scale. The x0 the sampler derives, latents − σ·out_sample,
  // multiplies the UNet's error by σ = 14.6: that is SD-Turbo's own fp16 behaviour, bounded below by
  // σ · 4 · EPS16 · scale. Measured on wasm (see the log): 0.4–1.2 EPS16 · scale for all three.
  it('fp16 agrees with fp32 on the same inputs, within a few float16 epsilons of the activation scale', async () => {
    const x = ids(12);
    const h32 = floatData((await fp32.text_encoder.run({ input_ids: new ort.Tensor('int32', x, [1, 12]) })).last_hidden_state);
    const h16 = floatData((await fp16.text_encoder.run({ input_ids: new ort.Tensor('int32', x, [1, 12]) })).last_hidden_state);
    const text = compare(h32, h16);

    const sigma = 14.6146;
    const latents = noise(8, 2 * 256, sigma);
    // Both variants get the float16-representable inputs, so only the graphs' own precision differs.
    const sample = roundToHalf(latents.map((v) => v / Math.sqrt(sigma * sigma + 1)));
    const context = roundToHalf(new Float32Array([...h32, ...h32]));
    const unetRun = async (s: SdSessions, v: 'fp32' | 'fp16') =>
      floatData(
        (
          await s.unet.run({
            sample: floatTensor(v, sample, [2, 4, 8, 8]),
            timestep: new ort.Tensor('int64', [999n, 249n], [2]),
            encoder_hidden_states: floatTensor(v, context, [2, 12, 32]),
          })
        ).out_sample,
      );
    const e32 = await unetRun(fp32, 'fp32');
    const e16 = await unetRun(fp16, 'fp16');
    const unet = compare(e32, e16);
    const x0 = (e: Float32Array) => latents.subarray(0, 256).map((l, i) => l - sigma * e[i]); // the t = 999 item
    const x0diff = compare(x0(e32), x0(e16));

    const latent = roundToHalf(x0(e32).map((v) => v / 0.18215));
    const vaeRun = async (s: SdSessions, v: 'fp32' | 'fp16') =>
      floatData((await s.vae_decoder.run({ latent_sample: floatTensor(v, latent, [1, 4, 8, 8]) })).sample);
    const vae = compare(await vaeRun(fp32, 'fp32'), await vaeRun(fp16, 'fp16'));

    const rel = (c: { maxDiff: number; scale: number }) => (c.maxDiff / c.scale / EPS16).toFixed(2);
    console.log(
      `fp16 vs fp32 max |diff| (÷ EPS16·scale): text ${text.maxDiff.toExponential(2)} (${rel(text)}), ` +
        `unet ${unet.maxDiff.toExponential(2)} (${rel(unet)}), x0 ${x0diff.maxDiff.toExponential(2)}, ` +
        `vae ${vae.maxDiff.toExponential(2)} (${rel(vae)})`,
    );
    expect(text.maxDiff).toBeLessThanOrEqual(8 * EPS16 * text.scale);
    expect(unet.maxDiff).toBeLessThanOrEqual(4 * EPS16 * unet.scale);
    expect(x0diff.maxDiff).toBeLessThanOrEqual(sigma * 4 * EPS16 * unet.scale);
    expect(vae.maxDiff).toBeLessThanOrEqual(4 * EPS16 * Math.max(1, vae.scale));
    // And not trivially equal: the fp16 graphs really do hold rounded weights.
    expect(unet.maxDiff).toBeGreaterThan(0);
  });
});
