// Writes one model folder: model.onnx, tokenizer.json and preflens.json (the manifest the app
// validates). Pure function of the config, so two builds give byte-identical folders.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrate, type Calibration } from './calibrate.ts';
import { IMAGE_SIZE, MAX_LENGTH, VOCAB_SIZE, type VpConfig } from './config.ts';
import { buildVpGraph, type ContractVariant } from '../../src/lib/engine/kinds/vp-score/graph/vp-score-graph.ts';
import { buildTokenizerJson } from './tokenizer-json.ts';
import { countParams, makeWeights, type VpWeights } from './weights.ts';

export const MODEL_FILE = 'model.onnx';
export const TOKENIZER_FILE = 'tokenizer.json';
export const MANIFEST_FILE = 'preflens.json';

export interface BuiltFolder {
  dir: string;
  config: VpConfig;
  weights: VpWeights;
  calibration: Calibration;
  modelBytes: number;
  sha256: Record<string, string>;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/**
 * `calibration` may be passed in when another folder has the same weights (the bad-contract copy of
 * vp-tiny), since calibrating is most of the build time.
 */
export function buildVpFolder(
  config: VpConfig,
  dir: string,
  variant: ContractVariant = 'real',
  calibrated?: Calibration,
): BuiltFolder {
  const weights = makeWeights(config);
  const tokenizerObj = buildTokenizerJson();
  const tokenizer = JSON.stringify(tokenizerObj);
  const doc = `PrefLens tiny VP-Score "${config.id}" (${variant} contract): seeded random weights, for tests only.`;
  const model = buildVpGraph(config, weights, doc, variant);
  const calibration = calibrated ?? calibrate(weights, config, tokenizerObj);
  const hashes = { model: sha256(model), tokenizer: sha256(tokenizer) };
  const manifest = {
    kind: 'vp-score',
    id: config.id,
    name: config.name,
    mean: calibration.mean,
    std: calibration.std,
    maxLength: MAX_LENGTH,
    imageSize: IMAGE_SIZE,
    files: { model: MODEL_FILE, tokenizer: TOKENIZER_FILE },
    sizes: {
      params: countParams(weights),
      modelBytes: model.byteLength,
      tokenizerBytes: Buffer.byteLength(tokenizer),
      visionWidth: config.visionWidth,
      visionLayers: config.visionLayers,
      visionHeads: config.visionHeads,
      textWidth: config.textWidth,
      textLayers: config.textLayers,
      textHeads: config.textHeads,
      embedDim: config.embedDim,
      vocab: VOCAB_SIZE,
    },
    sha256: hashes,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MODEL_FILE), model);
  writeFileSync(join(dir, TOKENIZER_FILE), tokenizer);
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, config, weights, calibration, modelBytes: model.byteLength, sha256: hashes };
}
