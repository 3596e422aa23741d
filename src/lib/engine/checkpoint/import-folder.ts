// An ImageReward-format checkpoint + bert-base-uncased's vocab.txt → a VP-Score model folder
// (model.onnx, tokenizer.json, preflens.json) with the Python exporter's layout and manifest, made
// in TypeScript: what `preflens import` writes. This path holds the float32 graph in memory (fine
// in Node; the browser's import streams tensor by tensor into its variants instead).
import { MANIFEST_FILE, manifestText, validateVpManifest, VP_IMAGE_SIZE, VP_MAX_LENGTH, type VpScoreManifest } from '../families/vp-score-manifest.ts';
import { CheckpointError } from '../errors.ts';
import { buildVpGraph } from '../convert/vp-score-graph/vp-score-graph.ts';
import { sha256Hex } from '../store/sha256.ts';
import { blipTokenizerJson, readBertVocab } from '../text/blip-tokenizer-json.ts';
import { readImageRewardWeights } from './checkpoint-weights.ts';
import { DEFAULT_HEADS, loadImageReward } from './image-reward-layout.ts';
import { openCheckpoint } from './open-checkpoint.ts';

/** ImageReward's score normalisation (ImageReward.__init__: self.mean, self.std); a VP-Score checkpoint brings its own. */
export const IMAGEREWARD_MEAN = 0.16717362830052426;
export const IMAGEREWARD_STD = 1.0333394966054072;

export interface ImportOptions {
  id?: string;
  name?: string;
  mean?: number;
  std?: number;
  heads?: { vision: number; text: number };
}

export interface ImportedFolder {
  manifest: VpScoreManifest;
  modelBytes: Uint8Array;
  tokenizerBytes: Uint8Array;
  /** Names left out as unused by score(). */
  dropped: string[];
  /** File name → bytes, ready to write. */
  files: Record<string, Uint8Array>;
}

export async function importCheckpoint(checkpoint: Blob, checkpointName: string, vocabText: string, vocabName: string, o: ImportOptions = {}): Promise<ImportedFolder> {
  const vocab = readBertVocab(vocabText, vocabName);
  const heads = o.heads ?? DEFAULT_HEADS;
  const layout = loadImageReward(await openCheckpoint(checkpoint, checkpointName), heads);
  const c = layout.config;
  if (vocab.length + 2 !== c.vocabSize) {
    throw new CheckpointError(`${vocabName} has ${vocab.length} tokens; +[DEC]/[ENC] = ${vocab.length + 2}, but the checkpoint embeds ${c.vocabSize}`);
  }
  const id = o.id ?? 'imagereward-v1';
  const weights = await readImageRewardWeights(layout);
  const modelBytes = buildVpGraph({ id, visionHeads: heads.vision, textHeads: heads.text }, weights,
    `VP-Score (ImageReward architecture) imported by PrefLens from ${checkpointName}`);
  const tokenizerBytes = new TextEncoder().encode(JSON.stringify(blipTokenizerJson(vocab)));
  const params = [...layout.tensors].filter(([k]) => !k.startsWith('mlp.')).reduce((n, [, t]) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const manifest = validateVpManifest({
    kind: 'vp-score', id, name: o.name ?? 'ImageReward v1.0', mean: o.mean ?? IMAGEREWARD_MEAN, std: o.std ?? IMAGEREWARD_STD,
    maxLength: VP_MAX_LENGTH, imageSize: VP_IMAGE_SIZE,
    files: { model: 'model.onnx', tokenizer: 'tokenizer.json' },
    sizes: {
      params, modelBytes: modelBytes.byteLength, tokenizerBytes: tokenizerBytes.byteLength, visionWidth: c.visionWidth,
      visionLayers: c.visionDepth, visionHeads: c.visionHeads, textWidth: c.textWidth, textLayers: c.textDepth,
      textHeads: c.textHeads, vocab: c.vocabSize,
    },
    sha256: { model: await sha256Hex(modelBytes), tokenizer: await sha256Hex(tokenizerBytes) },
  }, MANIFEST_FILE);
  return {
    manifest, modelBytes, tokenizerBytes, dropped: layout.dropped,
    files: {
      'model.onnx': modelBytes,
      'tokenizer.json': tokenizerBytes,
      [MANIFEST_FILE]: new TextEncoder().encode(manifestText(manifest)),
    },
  };
}
