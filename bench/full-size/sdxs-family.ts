// A diffusion family of SDXS-512's real dimensions with seeded random weights, for the generation
// bench only: bench/full-size/sdxs_dims.py (PyTorch) writes the three float32 graphs — OpenCLIP-H
// text tower 340.4 M, SDXS UNet 328.2 M, TAESD decoder 1.22 M parameters — and PrefLens's own q8
// pass (the `preflens convert` one) makes the int8 text encoder and UNet, as SDXS's onnxruntime-web
// export ships them (its TAESD decoder stays float32). Built on demand into .bench/ (2.7 GB float32
// + 0.68 GB q8), never committed; its pictures are noise, its timings and memory are not.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeModel, encodeModel } from '../../src/lib/engine/runtime/onnx-io.ts';
import { quantizeQ8 } from '../../src/lib/engine/convert/quantize-q8.ts';
import { buildClipTokenizerJson } from '../../models/sd-tiny/tokenizer-json.ts';

const ROOT = resolve(import.meta.dirname, '../../.bench/models');
export const SDXS_FP32_DIR = join(ROOT, 'sdxs-dims-fp32');
export const SDXS_DIMS_DIR = join(ROOT, 'sdxs-dims-q8');
/** Bumped when this builder's output changes: an older folder is rebuilt. */
const BUILD = 'sdxs-dims build 1';

/** The q8 family folder, built unless it is there from this builder. */
export function ensureSdxsDims(): { dir: string; built: boolean } {
  const manifestPath = join(SDXS_DIMS_DIR, 'preflens.json');
  if (existsSync(manifestPath) && JSON.parse(readFileSync(manifestPath, 'utf8')).name.includes(BUILD)) return { dir: SDXS_DIMS_DIR, built: false };
  if (!existsSync(join(SDXS_FP32_DIR, 'params.json'))) {
    console.log('sdxs-dims: exporting the float32 graphs with PyTorch (about 6 min on 2 cores)…');
    const py = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'sdxs_dims.py'), SDXS_FP32_DIR], { stdio: 'inherit' });
    if (py.status !== 0) throw new Error('bench/full-size/sdxs_dims.py failed (needs Debian python3-torch and python3-onnx)');
  }
  mkdirSync(SDXS_DIMS_DIR, { recursive: true });
  const entry = (file: string) => ({ file, bytes: readFileSync(join(SDXS_DIMS_DIR, file)).byteLength });
  for (const g of ['text_encoder', 'unet']) {
    console.log(`sdxs-dims: q8 ${g}…`);
    const q8 = quantizeQ8(decodeModel(new Uint8Array(readFileSync(join(SDXS_FP32_DIR, `${g}.onnx`)))), g, { anyGraph: true });
    writeFileSync(join(SDXS_DIMS_DIR, `${g}.q8.onnx`), encodeModel(q8));
  }
  copyFileSync(join(SDXS_FP32_DIR, 'vae_decoder.onnx'), join(SDXS_DIMS_DIR, 'vae_decoder.onnx'));
  writeFileSync(join(SDXS_DIMS_DIR, 'tokenizer.json'), JSON.stringify(buildClipTokenizerJson().json));
  // SDXS-512's numbers and decoder contract (public/manifests/sdxs-512.json); this folder's files.
  const manifest = {
    kind: 'sd-turbo', id: 'sdxs-dims', name: `SDXS-512 dimensions, random weights (bench only; ${BUILD})`,
    imageSize: 512, latentChannels: 4, latentFactor: 8, hiddenSize: 1024, maxTokens: 77, padTokenId: 0,
    decoder: { kind: 'taesd', scalingFactor: 1, outputRange: '[-1,1]' },
    tokenizer: entry('tokenizer.json'),
    variants: { q8: { text_encoder: entry('text_encoder.q8.onnx'), unet: entry('unet.q8.onnx'), vae_decoder: entry('vae_decoder.onnx') } },
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir: SDXS_DIMS_DIR, built: true };
}
