// A full-size VP-Score graph for the benchmark: ImageReward's real dimensions (ViT-L/16 at 224:
// 1024 wide, 24 layers, 16 heads; BERT-base text encoder: 768 wide, 12 layers, 12 heads, with
// cross-attention to the 1024-wide image tokens; 768→1024→128→64→16→1 head) and seeded random
// weights, built by the same TypeScript builder as the tiny test models. Built on demand into
// .bench/ (about 1.8 GB), never committed; scores from it are meaningless, its timings are not.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IMAGE_SIZE, MAX_LENGTH, type VpConfig } from '../../models/vp-score/config.ts';
import { buildVpGraph } from '../../src/lib/engine/kinds/vp-score/graph/vp-score-graph.ts';
import { buildTokenizerJson } from '../../models/vp-score/tokenizer-json.ts';
import { countParams, makeWeights } from '../../models/vp-score/weights.ts';

export const VP_FULL: VpConfig = {
  id: 'vp-full-random',
  name: 'VP-Score full size (random weights, benchmark only)',
  seed: 446,
  visionWidth: 1024,
  visionHeads: 16,
  visionLayers: 24,
  visionMlp: 4096,
  textWidth: 768,
  textHeads: 12,
  textLayers: 12,
  textFfn: 3072,
  embedDim: 768,
  headWidths: [1024, 128, 64, 16],
  headGain: 1,
};

export const FULL_DIR = resolve(import.meta.dirname, '../../.bench/models/vp-full-fp32');

/** Build the fp32 folder unless it is already there (same config → same bytes). */
export function ensureFullModel(dir = FULL_DIR): { dir: string; params: number; buildMs: number } {
  const manifestPath = join(dir, 'preflens.json');
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    return { dir, params: m.sizes.params, buildMs: 0 };
  }
  const t0 = performance.now();
  const weights = makeWeights(VP_FULL);
  const model = buildVpGraph(VP_FULL, weights, `PrefLens full-size VP-Score "${VP_FULL.id}": seeded random weights, for the benchmark only.`);
  const params = countParams(weights);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), model);
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(buildTokenizerJson()));
  const manifest = {
    kind: 'vp-score', id: VP_FULL.id, name: VP_FULL.name, mean: 0, std: 1, maxLength: MAX_LENGTH, imageSize: IMAGE_SIZE,
    files: { model: 'model.onnx', tokenizer: 'tokenizer.json' },
    sizes: { params, modelBytes: model.byteLength },
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, params, buildMs: performance.now() - t0 };
}

if (process.argv[1] === import.meta.filename) {
  const r = ensureFullModel();
  console.log(`${r.dir}: ${r.params.toLocaleString()} params, built in ${(r.buildMs / 1000).toFixed(1)} s`);
}
