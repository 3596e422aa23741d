// A diffusion family folder (preflens.json + three graphs per dtype variant + tokenizer.json), read
// through the same ReadFile function as VP-Score folders: HTTP for the built-in family, picked files
// or a Node directory otherwise. Only the chosen variant's graphs, and the chosen decoder, are read.
import { MANIFEST_FILE } from '../../model-files/manifest-file.ts';
import { ModelFileError } from '../../errors.ts';
import { GRAPHS, decoderOf, parseDiffusionManifest, tokenizerEntry, type DecoderChoice, type DecoderContract, type DiffusionManifest, type DtypeVariant, type GraphName } from './manifest.ts';
import type { FileEntry } from '../../model-files/file-entry.ts';
import { readGraph, readJson, type ExternalData, type ReadFile } from '../../model-files/read-file.ts';

export interface DiffusionFolder {
  manifest: DiffusionManifest;
  variant: DtypeVariant;
  /** The decoder read: the family's own, or its fast preview one, and that graph's contract. */
  decoderChoice: DecoderChoice;
  decoder: DecoderContract;
  /** Where each graph was read from (the variant's files; vae_decoder may be the preview graph). */
  files: Record<GraphName, FileEntry>;
  graphs: Record<GraphName, Uint8Array>;
  externalData: Partial<Record<GraphName, ExternalData[]>>;
  tokenizerJson: unknown;
  origin: string;
}

const text = new TextDecoder();

export async function readDiffusionManifest(read: ReadFile, origin: string): Promise<DiffusionManifest> {
  return parseDiffusionManifest(text.decode(await read(MANIFEST_FILE)), `${origin}/${MANIFEST_FILE}`);
}

export async function readDiffusionFolder(
  read: ReadFile,
  origin: string,
  manifest: DiffusionManifest,
  variant: DtypeVariant,
  decoderChoice: DecoderChoice = 'full',
): Promise<DiffusionFolder> {
  const own = manifest.variants[variant];
  if (!own) throw new ModelFileError(`${origin} has no ${variant} variant`);
  const decoder = decoderOf(manifest, decoderChoice);
  const files = { ...own, vae_decoder: decoder.entry ?? own.vae_decoder };
  // The tokenizer first: the load's last progress line is then a graph, whose sessions are built next.
  const tokenizerJson = await readJson(read, origin, tokenizerEntry(manifest));
  const graphs = {} as Record<GraphName, Uint8Array>;
  const externalData: DiffusionFolder['externalData'] = {};
  for (const g of GRAPHS) {
    const { bytes, externalData: data } = await readGraph(read, origin, files[g]);
    graphs[g] = bytes;
    if (data) externalData[g] = data;
  }
  return { manifest, variant, decoderChoice, decoder: decoder.contract, files, graphs, externalData, tokenizerJson, origin };
}
