// preflens.json of a diffusion family (SD-Turbo layout): three graphs per dtype variant, one CLIP
// tokenizer, and the numbers the pipeline needs. Validated strictly, like the VP-Score manifest.
import { ManifestError } from '../../errors.ts';
import type { ManifestRules } from '../../model-files/manifest-file.ts';
import { checkBase, checkFileEntry, type FileEntry } from '../../model-files/file-entry.ts';
import { biggestGraph, noF16Statement } from '../../model-files/device-fit.ts';


export const GRAPHS = ['text_encoder', 'unet', 'vae_decoder'] as const;
export type GraphName = (typeof GRAPHS)[number];
/** The graphs' weight type: float32, float16, or int8 with float32 I/O (SDXS's onnxruntime-web export). */
export const DTYPE_VARIANTS = ['fp32', 'fp16', 'q8'] as const;
export type DtypeVariant = (typeof DTYPE_VARIANTS)[number];

export type GraphFile = FileEntry;

export const DECODER_KINDS = ['vae', 'taesd'] as const;
export const OUTPUT_RANGES = ['[-1,1]', '[0,1]'] as const;

/**
 * What the latents → image graph expects and returns. SD's VAE takes latents ÷ 0.18215 and returns
 * [-1,1]; TAESD takes them unscaled (scalingFactor 1) and returns [0,1] as published by its author,
 * or [-1,1] when exported through diffusers' AutoencoderTiny (SDXS's export). Names and dtypes are
 * read from the graph.
 */
export interface DecoderContract {
  kind: (typeof DECODER_KINDS)[number];
  /** The decoder gets latents / scalingFactor. */
  scalingFactor: number;
  outputRange: (typeof OUTPUT_RANGES)[number];
}

/**
 * A second, cheaper decoder a family may offer (TAESD next to SD's VAE): the user picks "fast
 * preview" or "full VAE" per family (Models). One graph for every dtype variant (TAESD is ~5 MB in
 * float32); downloaded with the family, so switching needs no request.
 */
export interface PreviewDecoder extends DecoderContract {
  graph: FileEntry;
}

/** Which of a family's decoders to load: its own, or its previewDecoder. */
export const DECODER_CHOICES = ['full', 'preview'] as const;
export type DecoderChoice = (typeof DECODER_CHOICES)[number];

export interface DiffusionManifest {
  kind: 'sd-turbo';
  id: string;
  name: string;
  /** Square output side in pixels (512 for SD-Turbo). */
  imageSize: number;
  latentChannels: number;
  /** Pixels per latent cell (8). */
  latentFactor: number;
  /** Text encoder width D (1024 for SD-Turbo). */
  hiddenSize: number;
  /** CLIP context length including start/end tokens (77). */
  maxTokens: number;
  decoder: DecoderContract;
  previewDecoder?: PreviewDecoder;
  /** Pad prompts to maxTokens with this id (SD-Turbo: 0, "!"); absent = no padding. */
  padTokenId?: number;
  /** Base URL the graph and tokenizer paths are relative to (else the manifest's own URL). */
  base?: string;
  /** A file name, or an entry with length and hash (needed when the family is downloaded). */
  tokenizer: string | FileEntry;
  variants: Partial<Record<DtypeVariant, Record<GraphName, GraphFile>>>;
  sha256?: Record<string, string>;
}

const FIELDS = ['kind', 'id', 'name', 'imageSize', 'latentChannels', 'latentFactor', 'hiddenSize', 'maxTokens',
  'decoder', 'tokenizer', 'variants'] as const;
const NUMBERS = ['imageSize', 'latentChannels', 'latentFactor', 'hiddenSize', 'maxTokens'] as const;

export function parseDiffusionManifest(text: string, source: string, rules: ManifestRules = {}): DiffusionManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ManifestError(`${source} is not valid JSON: ${(e as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new ManifestError(`${source}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('must be a JSON object');
  const m = raw as Record<string, unknown>;
  upgradeLegacyDecoder(m);
  for (const k of Object.keys(m)) if (![...FIELDS, 'sha256', 'padTokenId', 'base', 'previewDecoder'].includes(k)) fail(`unknown field "${k}"`);
  if ('padTokenId' in m && !(Number.isInteger(m.padTokenId) && (m.padTokenId as number) >= 0)) fail('"padTokenId" must be a token id (integer ≥ 0)');
  if ('base' in m) checkBase(m.base, fail);
  for (const k of FIELDS) if (!(k in m)) fail(`missing field "${k}"`);
  if (m.kind !== 'sd-turbo') fail(`"kind" must be "sd-turbo", found ${JSON.stringify(m.kind)}`);
  for (const k of ['id', 'name'] as const) {
    if (typeof m[k] !== 'string' || !(m[k] as string).trim()) fail(`"${k}" must be a non-empty string`);
  }
  for (const k of NUMBERS) {
    if (typeof m[k] !== 'number' || !((m[k] as number) > 0)) fail(`"${k}" must be a positive number`);
  }
  if ((m.imageSize as number) % (m.latentFactor as number)) fail('"imageSize" must be a multiple of "latentFactor"');
  checkDecoder(m.decoder, 'decoder', fail);
  if ('previewDecoder' in m) {
    checkDecoder(m.previewDecoder, 'previewDecoder', fail, ['graph']);
    checkFileEntry((m.previewDecoder as Record<string, unknown>).graph, 'previewDecoder.graph', fail, rules.remote);
  }
  const variants = m.variants as Record<string, unknown>;
  if (typeof variants !== 'object' || variants === null || !Object.keys(variants).length) {
    fail(`"variants" must name at least one of ${DTYPE_VARIANTS.join(', ')}`);
  }
  for (const [v, graphs] of Object.entries(variants)) {
    if (!(DTYPE_VARIANTS as readonly string[]).includes(v)) fail(`unknown variant "${v}" (expected ${DTYPE_VARIANTS.join(', ')})`);
    for (const g of GRAPHS) checkFileEntry((graphs as Record<string, unknown>)?.[g], `variants.${v}.${g}`, fail, rules.remote);
    for (const g of Object.keys(graphs as object)) {
      if (!(GRAPHS as readonly string[]).includes(g)) fail(`unknown graph "variants.${v}.${g}"`);
    }
  }
  const manifest = m as unknown as DiffusionManifest;
  checkFileEntry(tokenizerEntry(manifest), 'tokenizer', fail, rules.remote);
  return manifest;
}

/**
 * Manifests written before the decoder contract (PrefLens ≤ session 7, and the copies the model store
 * kept of them) give SD's VAE as a top-level `scalingFactor`: read that as the VAE contract, so a
 * family downloaded then still opens, and can still be deleted.
 */
function upgradeLegacyDecoder(m: Record<string, unknown>): void {
  if (!('scalingFactor' in m) || 'decoder' in m) return;
  m.decoder = { kind: 'vae', scalingFactor: m.scalingFactor, outputRange: '[-1,1]' };
  delete m.scalingFactor;
}

function checkDecoder(d: unknown, at: string, fail: (what: string) => never, extra: string[] = []): void {
  const fields = ['kind', 'scalingFactor', 'outputRange', ...extra];
  if (typeof d !== 'object' || d === null || Array.isArray(d)) fail(`"${at}" must be an object {${fields.join(', ')}}`);
  const o = d as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!fields.includes(k)) fail(`unknown field "${at}.${k}"`);
  for (const k of extra) if (!(k in o)) fail(`missing field "${at}.${k}"`);
  if (!(DECODER_KINDS as readonly unknown[]).includes(o.kind)) fail(`"${at}.kind" must be one of ${DECODER_KINDS.join(', ')}, found ${JSON.stringify(o.kind)}`);
  if (typeof o.scalingFactor !== 'number' || !(o.scalingFactor > 0)) fail(`"${at}.scalingFactor" must be a positive number`);
  if (!(OUTPUT_RANGES as readonly unknown[]).includes(o.outputRange)) fail(`"${at}.outputRange" must be "[-1,1]" or "[0,1]", found ${JSON.stringify(o.outputRange)}`);
}

/** The decoder a choice loads: its graph (undefined = the variant's vae_decoder) and its contract. */
export function decoderOf(m: DiffusionManifest, choice: DecoderChoice): { entry?: FileEntry; contract: DecoderContract } {
  if (choice === 'full') return { contract: m.decoder };
  const p = m.previewDecoder;
  if (!p) throw new ManifestError(`${m.id} has no fast preview decoder (no "previewDecoder" in its manifest)`);
  return { entry: p.graph, contract: { kind: p.kind, scalingFactor: p.scalingFactor, outputRange: p.outputRange } };
}

/** The tokenizer as an entry; a bare file name takes its hash from `sha256.tokenizer`. */
export function tokenizerEntry(m: DiffusionManifest): FileEntry {
  if (typeof m.tokenizer !== 'string') return m.tokenizer;
  return m.sha256?.tokenizer ? { file: m.tokenizer, sha256: m.sha256.tokenizer } : { file: m.tokenizer };
}

/**
 * Which dtype variant runs on this backend. fp16 graphs on a WebGPU adapter without shader-f16
 * return zeros without an error (BROWSER.md), so they are never picked there; on WASM int8 graphs
 * come first, then fp32 (faster on CPU than fp16). `forced` (a setting, and tests) wins when the
 * family has it.
 */
export function chooseVariant(
  m: DiffusionManifest,
  ep: 'webgpu' | 'wasm',
  shaderF16: boolean,
  forced?: DtypeVariant,
): DtypeVariant {
  const has = (v: DtypeVariant) => !!m.variants[v];
  if (forced) {
    if (!has(forced)) throw new ManifestError(`${m.id} has no ${forced} variant (it has ${Object.keys(m.variants).join(', ')})`);
    if (forced === 'fp16' && ep === 'webgpu' && !shaderF16) {
      throw new ManifestError(`the fp16 variant needs a WebGPU adapter with shader-f16, and this one has none: choose fp32 or WASM`);
    }
    return forced;
  }
  // int8 graphs are made for the CPU (MatMulInteger): first on WASM, last on WebGPU.
  const order: DtypeVariant[] = ep === 'webgpu' && shaderF16 ? ['fp16', 'fp32', 'q8'] : ep === 'webgpu' ? ['fp32', 'q8'] : ['q8', 'fp32', 'fp16'];
  const pick = order.find(has);
  if (!pick) {
    throw new ManifestError(`${m.id}: ${noF16Statement(biggestGraph(GRAPHS.map((g) => m.variants.fp16![g])))}`);
  }
  return pick;
}
