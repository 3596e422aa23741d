// For `npm run bench:import`: the full-size imported folder's variants against its own float32, on
// the converter's check set (8 synthetic images × its fixed prompts), all on onnxruntime-node
// (float32 at this size does not fit 32-bit WASM). Prints one JSON line per variant.
// Usage: node --import tsx bench/full-size/import-agreement.ts DIR VARIANT[,VARIANT…]
import { dirReader } from '../../src/cli/dir-reader.ts';
import { CHECK_PROMPTS, compareOnCheckSet, scoreCheckSet, syntheticImages } from '../../src/lib/engine/kinds/vp-score/import/check-set.ts';
import { Engine } from '../../src/lib/engine/engine.ts';
import { readVpScoreFolder } from '../../src/lib/engine/kinds/vp-score/folder.ts';
import type { VpDtype } from '../../src/lib/engine/kinds/vp-score/manifest.ts';

const [dir, variants] = process.argv.slice(2);
const engine = new Engine();
await engine.init({ backend: 'wasm', native: true, numThreads: 2 });
const read = dirReader(dir);
const ref = await readVpScoreFolder(read, dir, undefined, 'fp32');
const images = syntheticImages();
const refScores = await scoreCheckSet(ref, 'wasm', CHECK_PROMPTS, images);
for (const v of variants.split(',') as VpDtype[]) {
  const a = await compareOnCheckSet(ref, await readVpScoreFolder(read, dir, ref.manifest, v), 'wasm', CHECK_PROMPTS, images, refScores);
  console.log(JSON.stringify({ variant: v, rho: a.rho, minPromptRho: a.minPromptRho, maxAbsDiff: a.maxAbsDiff, images: images.length, prompts: CHECK_PROMPTS.length }));
}
await engine.dispose();
