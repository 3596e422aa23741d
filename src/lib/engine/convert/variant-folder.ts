// A converted model folder: the variant's model file, the tokenizer copied byte for byte, and a
// preflens.json whose id is suffixed ("vp-tiny-q8") and whose modelBytes/sha256 describe the new file.
import { validateVpManifest, type VpScoreManifest } from '../families/vp-score-manifest.ts';
import { MANIFEST_FILE, manifestText } from '../families/vp-score-manifest.ts';
import { sha256Hex } from '../store/sha256.ts';
import { convertModel, type Variant } from './convert-model.ts';

export interface SourceFolder {
  manifest: VpScoreManifest;
  modelBytes: Uint8Array;
  tokenizerBytes: Uint8Array;
  origin: string;
}

export interface VariantFolder {
  variant: Variant;
  manifest: VpScoreManifest;
  /** File name → bytes, ready to write into the output folder. */
  files: Record<string, Uint8Array>;
  modelBytes: Uint8Array;
}

export async function convertFolder(src: SourceFolder, variant: Variant): Promise<VariantFolder> {
  const modelBytes = convertModel(src.modelBytes, variant, `${src.origin}/${src.manifest.files.model}`);
  // The folder holds one model: the source's other variants do not come along.
  const { variants: _others, ...m } = src.manifest;
  const manifest = validateVpManifest(
    {
      ...m,
      id: `${m.id}-${variant}`,
      name: `${m.name} (${variant})`,
      dtype: variant,
      sizes: { ...m.sizes, modelBytes: modelBytes.byteLength },
      sha256: { ...m.sha256, model: await sha256Hex(modelBytes) },
    },
    `${variant} ${MANIFEST_FILE}`,
  );
  return {
    variant,
    manifest,
    modelBytes,
    files: {
      [m.files.model]: modelBytes,
      [m.files.tokenizer]: src.tokenizerBytes,
      [MANIFEST_FILE]: new TextEncoder().encode(manifestText(manifest)),
    },
  };
}

/**
 * The same variant added to the source folder instead: `model.<variant>.onnx` next to the fp32
 * model, listed under `variants` in its preflens.json, so one hosted folder serves every backend
 * (the app downloads only the variant the device runs).
 */
export async function addVariant(manifest: VpScoreManifest, v: VariantFolder): Promise<{ manifest: VpScoreManifest; file: string }> {
  const file = `model.${v.variant}.onnx`;
  const entry = { file, bytes: v.modelBytes.byteLength, sha256: await sha256Hex(v.modelBytes) };
  const next = validateVpManifest({ ...manifest, variants: { ...manifest.variants, [v.variant]: entry } }, MANIFEST_FILE);
  return { manifest: next, file };
}
