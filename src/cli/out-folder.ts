// `--out DIR` of import and convert: a path that exists as a file is refused before any work.
import { statSync } from 'node:fs';

export function outFolderProblem(path: string): string | null {
  try {
    return statSync(path).isDirectory() ? null : `--out ${path} is a file, not a folder`;
  } catch {
    return null; // not there yet: it is made
  }
}
