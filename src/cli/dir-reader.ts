// The one way Node code (CLI, bench, tests) reads a model folder: a ReadFile over a directory.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFileError } from '../lib/engine/errors.ts';
import { fsReason } from './fs-reason.ts';
import type { ReadFile } from '../lib/engine/model-files/read-file.ts';

/** `override`: bytes to serve instead of a file's (tests that corrupt one file). */
export function dirReader(dir: string, override: Record<string, Uint8Array> = {}): ReadFile {
  return async (name: string): Promise<Uint8Array> => {
    if (override[name]) return override[name];
    try {
      return new Uint8Array(await readFile(join(dir, name)));
    } catch (e) {
      throw new ModelFileError(`${join(dir, name)}: ${fsReason(e)}`);
    }
  };
}
