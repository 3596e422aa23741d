// `npm run models`: builds the tiny test models (runs before dev, build and test).
// `--out DIR` writes the same folders under DIR instead of the repo (the determinism test uses it).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSdFolders } from './sd-tiny/build-folder.ts';
import { SD_FOLDERS } from './sd-tiny/variants.ts';
import { buildVpFolder, type BuiltFolder } from './vp-score/build-folder.ts';
import { FOLDERS } from './vp-score/variants.ts';
import { writeExternalCopy } from './vp-score/external-folder.ts';

const outFlag = process.argv.indexOf('--out');
const root = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(dirname(fileURLToPath(import.meta.url)), '..');
const t0 = performance.now();
const built: Record<string, BuiltFolder> = {};
for (const spec of FOLDERS) {
  const t = performance.now();
  const reuse = spec.weightsOf ? built[spec.weightsOf].calibration : undefined;
  const folder = (built[spec.config.id] = buildVpFolder(spec.config, join(root, spec.dir), spec.variant, reuse));
  const { mean, std } = folder.calibration;
  console.log(
    `models: ${spec.dir} ${folder.modelBytes} B, reward mean ${mean.toFixed(4)} std ${std.toFixed(4)} ` +
      `(${(performance.now() - t).toFixed(0)} ms)`,
  );
}
const ext = writeExternalCopy(join(root, 'public/models/vp-tiny'), join(root, 'models/out/vp-tiny-ext'), 'vp-tiny-ext');
console.log(`models: models/out/vp-tiny-ext graph ${ext.graph} B + model.onnx_data ${ext.data} B`);
const tSd = performance.now();
for (const [id, folder] of Object.entries(buildSdFolders(SD_FOLDERS, root))) {
  const spec = SD_FOLDERS.find((s) => s.id === id)!;
  const total = Object.values(folder.bytes).reduce((a, b) => a + b, 0);
  console.log(`models: ${spec.dir} ${total} B (${spec.variants.join(' + ')})`);
}
console.log(`models: diffusion folders in ${(performance.now() - tSd).toFixed(0)} ms`);
console.log(`models: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
