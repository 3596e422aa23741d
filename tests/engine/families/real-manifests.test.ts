// The real SD-Turbo manifest the app ships (public/manifests/sd-turbo.json), checked without any
// network: the download rules, the SD-Turbo contract numbers, pinned URLs, and sizes consistent
// with fp16 weights of the published architecture.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseVariant, type DiffusionManifest } from '../../../src/lib/engine/kinds/sd-turbo/manifest.ts';
import { ManifestError } from '../../../src/lib/engine/errors.ts';
import { parseFamily, planFamily } from '../../../src/lib/engine/families/family-plan.ts';

const URL_OF = 'https://preflens.example/manifests/sd-turbo.json';
const text = readFileSync('public/manifests/sd-turbo.json', 'utf8');
const m = parseFamily(text, 'sd-turbo.json') as DiffusionManifest;

describe('SD-Turbo manifest', () => {
  it('passes the download rules and has the SD-Turbo contract numbers', () => {
    expect(m).toMatchObject({
      kind: 'sd-turbo', imageSize: 512, latentChannels: 4, latentFactor: 8, hiddenSize: 1024, maxTokens: 77,
      decoder: { kind: 'vae', scalingFactor: 0.18215, outputRange: '[-1,1]' }, padTokenId: 0,
    });
    expect(Object.keys(m.variants)).toEqual(['fp16']);
  });

  it('offers SDXS-512\'s TAESD decoder as its fast preview: the same file, pinned by the same sha256', () => {
    const sdxs = parseFamily(readFileSync('public/manifests/sdxs-512.json', 'utf8'), 'sdxs-512.json') as DiffusionManifest;
    const own = new URL(sdxs.variants.q8!.vae_decoder.file, sdxs.base).href;
    expect(m.previewDecoder).toEqual({ ...sdxs.decoder, graph: { ...sdxs.variants.q8!.vae_decoder, file: own } });
    // One URL is one stored file: a user with both families keeps it once.
    expect(planFamily(m, URL_OF, 'webgpu', true).files.map((f) => f.url)).toContain(own);
    expect(planFamily(m, URL_OF, 'webgpu', true).preview).toEqual({ kind: 'taesd', bytes: 4912786, url: own });
    expect(planFamily(sdxs, 'https://preflens.example/manifests/sdxs-512.json', 'wasm', false).files.map((f) => f.url)).toContain(own);
  });

  it('points at https files, the model files at one pinned revision', () => {
    const plan = planFamily(m, URL_OF, 'webgpu', true);
    expect(plan.files).toHaveLength(5);
    for (const f of plan.files) expect(new URL(f.url).protocol).toBe('https:');
    const graphs = plan.files.filter((f) => f.url.endsWith('/model.onnx'));
    expect(graphs.map((f) => f.url.match(/resolve\/([0-9a-f]{40})\//)?.[1])).toEqual(Array(3).fill(m.base!.match(/[0-9a-f]{40}/)![0]));
    expect(graphs.map((f) => f.name)).toEqual(['text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx']);
  });

  it('sizes agree with fp16 weights of SD-Turbo\'s text encoder, UNet and VAE decoder', () => {
    // Parameter counts of the SD 2.x architecture SD-Turbo keeps (OpenCLIP ViT-H text tower,
    // 865.9 M UNet, 49.5 M VAE decoder); an fp16 export is 2 bytes each plus graph overhead.
    const params = { text_encoder: 340.4e6, unet: 865.9e6, vae_decoder: 49.49e6 };
    for (const [g, n] of Object.entries(params)) {
      const bytes = m.variants.fp16![g as keyof typeof params].bytes!;
      expect(bytes / (2 * n)).toBeGreaterThan(0.98);
      expect(bytes / (2 * n)).toBeLessThan(1.03);
    }
    const plan = planFamily(m, URL_OF, 'webgpu', true);
    expect(plan.totalBytes).toBe(681393168 + 1733430199 + 99094314 + 2224081 + 4912786); // + the preview decoder
  });

  it('runs on WebGPU with shader-f16; elsewhere says once what the device lacks', () => {
    expect(planFamily(m, URL_OF, 'webgpu', true)).toMatchObject({ variant: 'fp16' });
    expect(planFamily(m, URL_OF, 'webgpu', true).warning).toBeUndefined();
    // Without shader-f16 the card keeps its name and files and says once what the device lacks.
    const noF16 = planFamily(m, URL_OF, 'webgpu', false);
    expect(noF16).toMatchObject({ name: m.name, variant: 'fp16' });
    expect(noF16.files).toHaveLength(5);
    expect(noF16.warning).toBe('This device cannot run it: its WebGPU adapter has no shader-f16, which the fp16 graphs need, and on WASM its '
      + 'largest graph (1.73 GB) runs out of memory (4 GB, the model held twice while loading). It needs a WebGPU adapter with shader-f16.');
    expect(planFamily(m, URL_OF, 'wasm', false).warning).toBe('This device cannot run it: on WASM its largest graph (1.73 GB) runs out of memory '
      + '(4 GB, the model held twice while loading). It needs WebGPU with shader-f16.');
    // Loading it as a folder on that adapter fails with the card's words, not "use WASM".
    expect(() => chooseVariant(m, 'webgpu', false)).toThrow(`${m.id}: ${noF16.warning}`);
  });
});

// SDXS-512 (public/manifests/sdxs-512.json): the WASM generator. Sizes and sha256 come from the
// exporter's own app manifest (FabienCouprie/attic scripts/modeles-manifest.json); the Hugging Face
// revision could not be read here (no network), so the files are pinned by sha256 instead: a
// different file fails its hash at download, never reaching the pipeline.
describe('SDXS-512 manifest', () => {
  const SDXS_URL = 'https://preflens.example/manifests/sdxs-512.json';
  const x = parseFamily(readFileSync('public/manifests/sdxs-512.json', 'utf8'), 'sdxs-512.json') as DiffusionManifest;

  it('passes the download rules, every file pinned by sha256, with SDXS\'s contract numbers and TAESD decoder', () => {
    expect(x).toMatchObject({
      kind: 'sd-turbo', imageSize: 512, latentChannels: 4, latentFactor: 8, hiddenSize: 1024, maxTokens: 77, padTokenId: 0,
      decoder: { kind: 'taesd', scalingFactor: 1, outputRange: '[-1,1]' },
    });
    expect(Object.keys(x.variants)).toEqual(['q8']);
    const plan = planFamily(x, SDXS_URL, 'wasm', false);
    expect(plan.files.map((f) => f.name)).toEqual(['onnx/text_encoder_int8.onnx', 'onnx/unet_int8.onnx', 'onnx/vae_decoder.onnx', 'tokenizer/tokenizer.json']);
    for (const f of plan.files) {
      expect(f.url.startsWith('https://huggingface.co/Fcouprie/sdxs-512-texte-image/resolve/')).toBe(true);
      expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(plan.totalBytes).toBe(680441863 - 4312 - 353); // the bundle without README.md and tokenizer_config.json
  });

  it('sizes agree with int8 weights of the OpenCLIP ViT-H text tower and a float32 TAESD decoder', () => {
    // 340.4 M text-tower parameters at 1 byte (+ per-column scales); TAESD's decoder has 1,222,531 at 4 bytes.
    const text = x.variants.q8!.text_encoder.bytes! / 340.4e6;
    expect(text).toBeGreaterThan(0.98);
    expect(text).toBeLessThan(1.05);
    const vae = x.variants.q8!.vae_decoder.bytes! / (4 * 1222531);
    expect(vae).toBeGreaterThan(0.99);
    expect(vae).toBeLessThan(1.02);
  });

  it('runs on WASM (every graph far below its limit) and is the q8 variant on every backend', () => {
    for (const [ep, f16] of [['wasm', false], ['webgpu', true], ['webgpu', false]] as const) {
      const plan = planFamily(x, SDXS_URL, ep, f16);
      expect(plan.variant).toBe('q8');
      expect(plan.warning).toBeUndefined();
    }
  });
});

describe('family manifests', () => {
  const vp = {
    kind: 'vp-score', id: 'vp', name: 'VP', mean: 0, std: 1, maxLength: 35, imageSize: 224,
    files: { model: 'model.onnx', tokenizer: 'tokenizer.json' },
    sizes: { modelBytes: 1000, tokenizerBytes: 10 },
    variants: { q8: { file: 'model.q8.onnx', bytes: 300 }, q4f16: { file: 'model.q4f16.onnx', bytes: 200 } },
  };
  const parse = (o: object) => parseFamily(JSON.stringify(o), 'vp.json');

  it('names a missing size, a bad URL, an unknown field and an unknown kind', () => {
    expect(() => parse({ ...vp, sizes: { modelBytes: 1000 } })).toThrow('vp.json: "tokenizer.bytes" is missing');
    expect(() => parse({ ...vp, variants: { q8: { file: 'model.q8.onnx' } } })).toThrow('"variants.q8.bytes" is missing');
    expect(() => parse({ ...vp, files: { ...vp.files, model: 'ftp://x/model.onnx' } })).toThrow('"files.model" must be an https URL');
    expect(() => parse({ ...vp, files: { ...vp.files, model: 'https://exa mple/m.onnx' } })).toThrow('"files.model" is not a valid URL');
    expect(() => parse({ ...vp, base: 'https://host/models' })).toThrow('"base" must end with "/"');
    expect(() => parse({ ...vp, colour: 'red' })).toThrow('unknown field "colour"');
    expect(() => parse({ ...vp, kind: 'gan' })).toThrow('"kind" must be "vp-score" or "sd-turbo"');
    expect(() => parseFamily('{"kind":', 'x.json')).toThrow('x.json is not valid JSON');
  });

  it('plans the VP-Score dtype per backend: q8 on WASM, q4f16 with shader-f16, fp32 without', () => {
    const m = parse(vp);
    const plan = (ep: 'wasm' | 'webgpu', f16: boolean) => planFamily(m, 'https://h/vp/preflens.json', ep, f16);
    expect(plan('wasm', false)).toMatchObject({ variant: 'q8', totalBytes: 310 });
    expect(plan('webgpu', true)).toMatchObject({ variant: 'q4f16', totalBytes: 210 });
    expect(plan('webgpu', false)).toMatchObject({ variant: 'fp32', totalBytes: 1010 });
    expect(plan('wasm', false).files.map((f) => f.url)).toEqual(['https://h/vp/model.q8.onnx', 'https://h/vp/tokenizer.json']);
  });
});
