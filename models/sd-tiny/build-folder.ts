// Writes one diffusion folder: three graphs per dtype variant, tokenizer.json and preflens.json
// (the manifest src/lib/engine/kinds/sd-turbo/manifest.ts validates). A pure function of the spec and
// the family, so two builds give byte-identical folders.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as C from './config.ts';
import { buildTextEncoder } from './text-encoder-graph.ts';
import { buildClipTokenizerJson, type ClipTokenizerJson } from './tokenizer-json.ts';
import type { FloatVariant } from './typed-graph.ts';
import { buildUnet } from './unet-graph.ts';
import type { SdFolderSpec } from './variants.ts';
import { buildVaeDecoder } from './vae-graph.ts';
import { textEncoderWeights, unetWeights, vaeWeights, type TextEncoderW, type UnetW, type VaeW } from './weights.ts';

export const MANIFEST_FILE = 'preflens.json';
export const TOKENIZER_FILE = 'tokenizer.json';
export const GRAPH_NAMES = ['text_encoder', 'unet', 'vae_decoder'] as const;
export type GraphName = (typeof GRAPH_NAMES)[number];

/** The fast preview decoder: one float32 graph for every variant, like a real TAESD export. */
export const PREVIEW_FILE = 'vae_decoder.preview.onnx';

/** `unet.onnx` for fp32 (the real export's name), `unet.fp16.onnx` for fp16. */
export const graphFile = (graph: GraphName, variant: FloatVariant) => `${graph}${variant === 'fp16' ? '.fp16' : ''}.onnx`;

/** What every folder of one family shares: the tokenizer and the seeded weights. */
export interface SdFamily {
  tokenizer: ClipTokenizerJson;
  text: TextEncoderW;
  unet: UnetW;
  vae: VaeW;
  /** The fast preview decoder's (other weights: its pictures differ from the VAE's). */
  preview: VaeW;
}

export function makeSdFamily(spec: C.SdFamilySpec = C.SD_TINY): SdFamily {
  const tokenizer = buildClipTokenizerJson();
  return {
    tokenizer,
    text: textEncoderWeights(spec.seed, tokenizer.vocabSize, spec.shape.hidden),
    unet: unetWeights(spec.seed + 1, spec.shape.hidden),
    vae: vaeWeights(spec.seed + 2),
    preview: vaeWeights(spec.seed + 3),
  };
}

/** Every folder of `specs` under `root` (each at its `dir`), each family's weights made once. */
export function buildSdFolders(specs: readonly SdFolderSpec[], root: string): Record<string, BuiltSdFolder> {
  const families = new Map<C.SdFamilySpec, SdFamily>();
  return Object.fromEntries(specs.map((spec) => {
    if (!families.has(spec.family)) families.set(spec.family, makeSdFamily(spec.family));
    return [spec.id, buildSdFolder(spec, join(root, spec.dir), families.get(spec.family)!)];
  }));
}

export interface BuiltSdFolder {
  dir: string;
  /** File name → byte length, for every file written. */
  bytes: Record<string, number>;
  manifest: object;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

export function buildSdFolder(spec: SdFolderSpec, dir: string, family: SdFamily): BuiltSdFolder {
  const files = new Map<string, Uint8Array | string>();
  const variants: Record<string, Record<GraphName, { file: string; bytes: number; sha256: string }>> = {};
  for (const v of spec.variants) {
    const graphs: Record<GraphName, Uint8Array> = {
      text_encoder: buildTextEncoder(family.text, v, spec.family.shape),
      unet: buildUnet(family.unet, v, spec.family.shape, spec.contract),
      vae_decoder: buildVaeDecoder(family.vae, v, spec.family.shape),
    };
    variants[v] = {} as (typeof variants)[string];
    for (const g of GRAPH_NAMES) {
      const file = graphFile(g, v);
      files.set(file, graphs[g]);
      variants[v][g] = { file, bytes: graphs[g].byteLength, sha256: sha256(graphs[g]) };
    }
  }
  let previewDecoder: object | undefined;
  if (spec.preview) {
    const { kind, scalingFactor, outputRange } = C.TAESD_SHAPE.decoder;
    const graph = buildVaeDecoder(family.preview, 'fp32', { ...spec.family.shape, decoder: C.TAESD_SHAPE.decoder });
    files.set(PREVIEW_FILE, graph);
    previewDecoder = { kind, scalingFactor, outputRange, graph: { file: PREVIEW_FILE, bytes: graph.byteLength, sha256: sha256(graph) } };
  }
  const tokenizer = JSON.stringify(family.tokenizer.json);
  files.set(TOKENIZER_FILE, tokenizer);
  const manifest = {
    kind: 'sd-turbo',
    id: spec.id,
    name: spec.name,
    imageSize: C.IMAGE_SIZE,
    latentChannels: C.LATENT_CHANNELS,
    latentFactor: C.LATENT_FACTOR,
    hiddenSize: spec.family.shape.hidden,
    maxTokens: C.MAX_TOKENS,
    decoder: { kind: spec.family.shape.decoder.kind, scalingFactor: spec.family.shape.decoder.scalingFactor, outputRange: spec.family.shape.decoder.outputRange },
    ...(previewDecoder ? { previewDecoder } : {}),
    // An entry with length and hash, like the real manifest's, so the family can be downloaded.
    tokenizer: { file: TOKENIZER_FILE, bytes: Buffer.byteLength(tokenizer), sha256: sha256(tokenizer) },
    variants,
  };
  files.set(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);

  mkdirSync(dir, { recursive: true });
  const bytes: Record<string, number> = {};
  for (const [name, data] of files) {
    writeFileSync(join(dir, name), data);
    bytes[name] = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  }
  return { dir, bytes, manifest };
}
