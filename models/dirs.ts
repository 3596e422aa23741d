// Where `npm run models` writes the built test models (see models/build.ts).
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const MODEL_DIRS = {
  tiny: join(root, 'public/models/vp-tiny'),
  wide: join(root, 'models/out/vp-tiny-wide'),
  /** vp-tiny split into model.onnx + model.onnx_data (the store's layout). */
  tinyExt: join(root, 'models/out/vp-tiny-ext'),
  badContract: join(root, 'models/out/vp-bad-contract'),
  sdTiny: join(root, 'public/models/sd-tiny'),
  /** SDXS's I/O layout with a TAESD-style decoder (models/sd-tiny/config.ts TAESD_SHAPE). */
  sdTinyTaesd: join(root, 'models/out/sd-tiny-taesd'),
  /** sd-tiny with a fast preview decoder (manifest previewDecoder, TAESD's contract). */
  sdTinyPreview: join(root, 'models/out/sd-tiny-preview'),
  sdBadContract: join(root, 'models/out/sd-bad-contract'),
};
