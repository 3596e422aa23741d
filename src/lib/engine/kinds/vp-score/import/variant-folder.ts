// A converted model folder: the variant's graph and its weights in `<graph>_data` (the model store's
// layout, convert/external-data.ts), the tokenizer copied byte for byte, and a preflens.json whose
// id is suffixed ("vp-tiny-q8") and whose sizes/sha256 describe the new files. The source may be
// one self-contained model.onnx or already split (an imported folder): it is joined first.
import { MANIFEST_FILE } from '../../../model-files/manifest-file.ts';
import type { FileEntry } from '../../../model-files/file-entry.ts';
import type { ExternalData } from '../../../model-files/read-file.ts';
import { validateVpManifest, type VpScoreManifest } from '../manifest.ts';
import { manifestText } from '../manifest.ts';
import { sha256Hex } from '../../../store/sha256.ts';
import { convertModel, type Variant } from '../../../convert/convert-model.ts';
import { dataFileOf, joinExternalData, splitExternalData } from '../../../convert/external-data.ts';

export interface SourceFolder {
  manifest: VpScoreManifest;
  modelBytes: Uint8Array;
  externalData?: ExternalData[];
  tokenizerBytes: Uint8Array;
  origin: string;
}

export interface VariantFolder {
  variant: Variant;
  manifest: VpScoreManifest;
  /** File name → bytes, ready to write into the output folder. */
  files: Record<string, Uint8Array>;
  /** The converted model as one self-contained file (its size is the variant's size). */
  modelBytes: Uint8Array;
  /** The graph and data file as a manifest lists them. */
  entry: FileEntry;
  /** What a scorer loads: the graph and its external data. */
  loadable: { modelBytes: Uint8Array; externalData: ExternalData[] };
}

/** `graphFile`: the converted graph's name (the source's by default; model.<variant>.onnx in place). */
export async function convertFolder(src: SourceFolder, variant: Variant, graphFile = src.manifest.files.model): Promise<VariantFolder> {
  const whole = src.externalData?.length
    ? joinExternalData(src.modelBytes, await Promise.all(src.externalData.map(async (d) => ({ path: d.path, data: await bytesOf(d.data) }))))
    : src.modelBytes;
  const modelBytes = convertModel(whole, variant, `${src.origin}/${src.manifest.files.model}`);
  const dataFile = dataFileOf(graphFile);
  // The graph names its data file relative to itself (onnxruntime gets it under that name).
  const dataName = dataFile.split('/').pop()!;
  const { graph, data } = splitExternalData(modelBytes, dataName);
  const entry: FileEntry = {
    file: graphFile, bytes: graph.byteLength, sha256: await sha256Hex(graph),
    data: { file: dataFile, bytes: data.byteLength, sha256: await sha256Hex(data) },
  };
  // The folder holds one model: the source's other variants do not come along.
  const { variants: _others, ...m } = src.manifest;
  const manifest = validateVpManifest(
    {
      ...m,
      id: `${m.id}-${variant}`,
      name: `${m.name} (${variant})`,
      dtype: variant,
      files: { ...m.files, model: graphFile, modelData: dataFile },
      sizes: { ...m.sizes, modelBytes: graph.byteLength, modelDataBytes: data.byteLength },
      sha256: { ...m.sha256, model: entry.sha256!, modelData: entry.data!.sha256! },
    },
    `${variant} ${MANIFEST_FILE}`,
  );
  return {
    variant,
    manifest,
    modelBytes,
    entry,
    loadable: { modelBytes: graph, externalData: [{ path: dataName, data }] },
    files: {
      [graphFile]: graph,
      [dataFile]: data,
      [m.files.tokenizer]: src.tokenizerBytes,
      [MANIFEST_FILE]: new TextEncoder().encode(manifestText(manifest)),
    },
  };
}

const bytesOf = async (d: Uint8Array | Blob) => (d instanceof Uint8Array ? d : new Uint8Array(await d.arrayBuffer()));

/**
 * The variant added to the source folder instead (converted with graphFile `model.<variant>.onnx`):
 * its graph and data file next to the fp32 model, listed under `variants` in its preflens.json, so
 * one hosted folder serves every backend (the app downloads only the variant the device runs).
 */
export function addVariant(manifest: VpScoreManifest, v: VariantFolder): VpScoreManifest {
  return validateVpManifest({ ...manifest, variants: { ...manifest.variants, [v.variant]: v.entry } }, MANIFEST_FILE);
}
