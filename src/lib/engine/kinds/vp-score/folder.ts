// A VP-Score model folder: preflens.json + model.onnx + tokenizer.json, read through a ReadFile
// (read-file.ts) so the same code loads the built-in model over HTTP, a folder the user picked in
// the browser, and a directory in Node.
import { readGraph, readJson, type ExternalData, type ReadFile } from '../../model-files/read-file.ts';
import { MANIFEST_FILE } from '../../model-files/manifest-file.ts';
import { parseVpManifest, vpModelEntry, vpTokenizerEntry, type VpDtype, type VpScoreManifest } from './manifest.ts';

export interface VpScoreFolder {
  manifest: VpScoreManifest;
  dtype: VpDtype;
  modelBytes: Uint8Array;
  externalData?: ExternalData[];
  tokenizerJson: unknown;
  /** Where it came from, for messages ("built-in vp-tiny", "folder my-export"). */
  origin: string;
}

export async function readVpManifest(readFile: ReadFile, origin: string): Promise<VpScoreManifest> {
  return parseVpManifest(new TextDecoder().decode(await readFile(MANIFEST_FILE)), `${origin}/${MANIFEST_FILE}`);
}

export async function readVpScoreFolder(
  readFile: ReadFile,
  origin: string,
  manifest?: VpScoreManifest,
  dtype?: VpDtype,
): Promise<VpScoreFolder> {
  const m = manifest ?? (await readVpManifest(readFile, origin));
  const d = dtype ?? m.dtype ?? 'fp32';
  // The tokenizer first: the load's last progress line is then the graph, whose session is built next.
  const tokenizerJson = await readJson(readFile, origin, vpTokenizerEntry(m));
  const { bytes: modelBytes, externalData } = await readGraph(readFile, origin, vpModelEntry(m, d));
  return { manifest: m, dtype: d, modelBytes, externalData, tokenizerJson, origin };
}

