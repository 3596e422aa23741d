// Where `npm run models` writes the built test models (see models/build.ts).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ModelFileError } from '../../src/lib/engine/errors.ts';

const root = resolve(import.meta.dirname, '../..');
export const MODEL_DIRS = {
  tiny: join(root, 'public/models/vp-tiny'),
  wide: join(root, 'models/out/vp-tiny-wide'),
  badContract: join(root, 'models/out/vp-bad-contract'),
  sdTiny: join(root, 'public/models/sd-tiny'),
  sdBadContract: join(root, 'models/out/sd-bad-contract'),
};

export function dirReader(dir: string, override: Record<string, Uint8Array> = {}) {
  return async (name: string): Promise<Uint8Array> => {
    if (override[name]) return override[name];
    try {
      return new Uint8Array(await readFile(join(dir, name)));
    } catch {
      throw new ModelFileError(`${dir}/${name} is missing`);
    }
  };
}
