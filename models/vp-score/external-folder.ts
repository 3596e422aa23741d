// vp-tiny in the model store's layout: the same model split into a small graph and one
// `model.onnx_data` (convert/external-data.ts), so tests load external data the way full-size
// models are kept, through every reader (a picked folder, the store) and build. `npm run
// bench:memory` splits the full-size models with it too.
import { MANIFEST_FILE } from '../../src/lib/engine/model-files/manifest-file.ts';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataFileOf, splitExternalData } from '../../src/lib/engine/convert/external-data.ts';
import { manifestText, type VpScoreManifest } from '../../src/lib/engine/kinds/vp-score/manifest.ts';

const DATA = dataFileOf('model.onnx');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function writeExternalCopy(src: string, out: string, id: string): { graph: number; data: number } {
  const m = JSON.parse(readFileSync(join(src, MANIFEST_FILE), 'utf8')) as VpScoreManifest;
  const { graph, data } = splitExternalData(new Uint8Array(readFileSync(join(src, m.files.model))), DATA);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'model.onnx'), graph);
  writeFileSync(join(out, DATA), data);
  copyFileSync(join(src, m.files.tokenizer), join(out, m.files.tokenizer));
  const next: VpScoreManifest = {
    ...m,
    id,
    name: `${m.name}, weights in model.onnx_data`,
    files: { ...m.files, model: 'model.onnx', modelData: DATA },
    sizes: { ...m.sizes, modelBytes: graph.byteLength, modelDataBytes: data.byteLength },
    sha256: { ...m.sha256, model: sha(graph), modelData: sha(data) },
  };
  writeFileSync(join(out, MANIFEST_FILE), manifestText(next));
  return { graph: graph.byteLength, data: data.byteLength };
}
