import { describe, expect, it } from 'vitest';
import { chooseVariant, decoderOf, parseDiffusionManifest, type DiffusionManifest } from '../../../../src/lib/engine/kinds/sd-turbo/manifest.ts';
import { ManifestError } from '../../../../src/lib/engine/errors.ts';
import { planFamily } from '../../../../src/lib/engine/families/family-plan.ts';

const graphs = (suffix: string) => ({
  text_encoder: { file: `text_encoder${suffix}.onnx`, bytes: 10 },
  unet: { file: `unet${suffix}.onnx`, bytes: 10, sha256: 'ab'.repeat(32) },
  vae_decoder: { file: `vae_decoder${suffix}.onnx` },
});
const base = {
  kind: 'sd-turbo', id: 'sd', name: 'SD', imageSize: 64, latentChannels: 4, latentFactor: 8, hiddenSize: 32,
  maxTokens: 77, decoder: { kind: 'vae', scalingFactor: 0.18215, outputRange: '[-1,1]' }, tokenizer: 'tokenizer.json',
  variants: { fp32: graphs(''), fp16: graphs('.fp16') },
};
const parse = (m: object) => parseDiffusionManifest(JSON.stringify(m), 'sd/preflens.json');

describe('diffusion manifest', () => {
  it('accepts a valid family', () => {
    expect(parse(base).variants.fp16?.unet.file).toBe('unet.fp16.onnx');
  });
  it('names what is wrong', () => {
    expect(() => parse({ ...base, extra: 1 })).toThrow('sd/preflens.json: unknown field "extra"');
    expect(() => parse({ ...base, variants: { fp32: { ...graphs(''), unet: undefined } } })).toThrow('"variants.fp32.unet" is missing');
    expect(() => parse({ ...base, variants: { q4: graphs('') } })).toThrow('unknown variant "q4"');
    expect(() => parse({ ...base, variants: { fp32: { ...graphs(''), vae_decoder: { file: '../x.onnx' } } } }))
      .toThrow('"variants.fp32.vae_decoder.file" must be a path inside the model folder');
    expect(() => parse({ ...base, variants: { fp32: { ...graphs(''), unet: { file: 'http://example.com/unet.onnx' } } } }))
      .toThrow('"variants.fp32.unet.file" must be an https URL (found http://example.com)');
    expect(() => parse({ ...base, variants: { fp32: { ...graphs(''), unet: { file: 'unet.onnx', size: 3 } } } }))
      .toThrow('unknown field "variants.fp32.unet.size"');
    expect(() => parse({ ...base, imageSize: 60 })).toThrow('multiple of "latentFactor"');
    expect(() => parse({ ...base, decoder: undefined })).toThrow('missing field "decoder"');
    expect(() => parse({ ...base, decoder: { ...base.decoder, kind: 'vqgan' } })).toThrow('"decoder.kind" must be one of vae, taesd, found "vqgan"');
    expect(() => parse({ ...base, decoder: { ...base.decoder, scalingFactor: 0 } })).toThrow('"decoder.scalingFactor" must be a positive number');
    expect(() => parse({ ...base, decoder: { ...base.decoder, outputRange: '0..255' } })).toThrow('"decoder.outputRange" must be "[-1,1]" or "[0,1]", found "0..255"');
    expect(() => parse({ ...base, decoder: { ...base.decoder, shift: 0.5 } })).toThrow('unknown field "decoder.shift"');
    expect(parse({ ...base, decoder: { kind: 'taesd', scalingFactor: 1, outputRange: '[0,1]' } }).decoder.kind).toBe('taesd');
    // A manifest kept from before the decoder contract (top-level scalingFactor) opens as SD's VAE.
    const { decoder: _d, ...legacy } = base;
    expect(parse({ ...legacy, scalingFactor: 0.18215 }).decoder).toEqual({ kind: 'vae', scalingFactor: 0.18215, outputRange: '[-1,1]' });
    expect(() => parse({ ...legacy, scalingFactor: -1 })).toThrow('"decoder.scalingFactor" must be a positive number');
    expect(() => parse({ ...base, scalingFactor: 0.18215 })).toThrow('unknown field "scalingFactor"');
    expect(() => parseDiffusionManifest('{', 'x.json')).toThrow(ManifestError);
  });
  it('a fast preview decoder names its graph and its own contract', () => {
    const preview = { kind: 'taesd', scalingFactor: 1, outputRange: '[-1,1]', graph: { file: 'taesd.onnx', bytes: 7 } };
    const m = parse({ ...base, previewDecoder: preview });
    expect(decoderOf(m, 'preview')).toEqual({ entry: preview.graph, contract: { kind: 'taesd', scalingFactor: 1, outputRange: '[-1,1]' } });
    expect(decoderOf(m, 'full')).toEqual({ contract: base.decoder });
    expect(() => decoderOf(parse(base), 'preview')).toThrow('sd has no fast preview decoder (no "previewDecoder" in its manifest)');
    expect(() => parse({ ...base, previewDecoder: { ...preview, graph: undefined } })).toThrow('missing field "previewDecoder.graph"');
    expect(() => parse({ ...base, previewDecoder: { ...preview, kind: 'vq' } })).toThrow('"previewDecoder.kind" must be one of vae, taesd, found "vq"');
    expect(() => parse({ ...base, previewDecoder: { ...preview, outputRange: '[0,255]' } })).toThrow('"previewDecoder.outputRange" must be');
    expect(() => parse({ ...base, previewDecoder: { ...preview, file: 'x.onnx' } })).toThrow('unknown field "previewDecoder.file"');
    expect(() => parse({ ...base, previewDecoder: { ...preview, graph: { file: '../x.onnx' } } })).toThrow('"previewDecoder.graph.file" must be a path inside the model folder');
    const sized = (suffix: string) => Object.fromEntries(Object.entries(graphs(suffix)).map(([g, f]) => [g, { ...f, bytes: 10 }]));
    expect(() => parseDiffusionManifest(JSON.stringify({ ...base, variants: { fp32: sized('') }, previewDecoder: { ...preview, graph: { file: 'taesd.onnx' } } }), 'sd.json', { remote: true }))
      .toThrow('"previewDecoder.graph.bytes" is missing');
  });
  it('a family to download must give every file\'s size', () => {
    const remote = (m: object) => parseDiffusionManifest(JSON.stringify(m), 'sd.json', { remote: true });
    expect(() => remote(base)).toThrow('"variants.fp32.vae_decoder.bytes" is missing');
    const sized = (suffix: string) => Object.fromEntries(Object.entries(graphs(suffix)).map(([g, f]) => [g, { ...f, bytes: 10 }]));
    expect(() => remote({ ...base, variants: { fp32: sized('') } })).toThrow('"tokenizer.bytes" is missing');
    const ok = remote({ ...base, variants: { fp32: sized('') }, tokenizer: { file: 'https://hub.example/tok.json', bytes: 5 } });
    expect(ok.variants.fp32?.unet.bytes).toBe(10);
  });
});

describe('chooseVariant', () => {
  const both = parse(base) as DiffusionManifest;
  const fp16Only = parse({ ...base, variants: { fp16: graphs('.fp16') } });
  it('fp16 only on a WebGPU adapter with shader-f16; fp32 on WASM', () => {
    expect(chooseVariant(both, 'webgpu', true)).toBe('fp16');
    expect(chooseVariant(both, 'webgpu', false)).toBe('fp32');
    expect(chooseVariant(both, 'wasm', false)).toBe('fp32');
    expect(chooseVariant(fp16Only, 'wasm', false)).toBe('fp16');
  });
  it('refuses fp16 where it would silently give zeros', () => {
    // A local folder gives no sizes: WASM is offered with its limit, not promised.
    expect(() => chooseVariant(fp16Only, 'webgpu', false)).toThrow(
      'sd: This device cannot run it: its WebGPU adapter has no shader-f16, which the fp16 graphs need, and WASM runs them if the largest graph is under 1.5 GB (choose WASM as the backend).');
    expect(() => chooseVariant(both, 'webgpu', false, 'fp16')).toThrow(/shader-f16/);
  });
  it('a small fp16-only family on an adapter without shader-f16 is planned, saying WASM runs it', () => {
    const sized = parse({ ...base, tokenizer: { file: 'tokenizer.json', bytes: 5 },
      variants: { fp16: { ...graphs('.fp16'), vae_decoder: { file: 'vae_decoder.fp16.onnx', bytes: 10 } } } }) as DiffusionManifest;
    const plan = planFamily(sized, 'https://host.example/sd/preflens.json', 'webgpu', false);
    expect(plan.variant).toBe('fp16');
    expect(plan.warning).toBe('This device cannot run it: its WebGPU adapter has no shader-f16, which the fp16 graphs need, and WASM runs them (choose WASM as the backend).');
  });
  it('says why a graph above 1.5 GB does not run on WASM: held twice when one file, a hang on threads when split', () => {
    const sized = (unet: object) => parse({ ...base, tokenizer: { file: 'tokenizer.json', bytes: 5 },
      variants: { fp32: { text_encoder: { file: 't.onnx', bytes: 10 }, unet, vae_decoder: { file: 'v.onnx', bytes: 10 } } } }) as DiffusionManifest;
    const url = 'https://host.example/sd/preflens.json';
    expect(planFamily(sized({ file: 'unet.onnx', bytes: 1.8e9 }), url, 'wasm', false).warning).toBe(
      'This device cannot run it: on WASM its largest graph (1.80 GB) runs out of memory (4 GB, the model held twice while loading). It needs WebGPU.');
    expect(planFamily(sized({ file: 'unet.onnx', bytes: 2e6, data: { file: 'unet.onnx_data', bytes: 1.8e9 } }), url, 'wasm', false).warning).toBe(
      'This device cannot run it: on WASM its largest graph (1.80 GB) stops loading with more than one thread (onnxruntime-web, microsoft/onnxruntime#26858). It needs WebGPU.');
    expect(planFamily(sized({ file: 'unet.onnx', bytes: 1.4e9 }), url, 'wasm', false).warning).toBeUndefined();
  });
  it('honours a forced variant the family has', () => {
    expect(chooseVariant(both, 'wasm', false, 'fp16')).toBe('fp16');
    expect(() => chooseVariant(fp16Only, 'wasm', false, 'fp32')).toThrow('sd has no fp32 variant');
  });
});
