// The streamed import's files written into a folder on disk, each hashed as it is written, under a
// temporary name until complete; `discard` removes what this run wrote, and the folder if this run
// made it (a failed import leaves the disk as it was).
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ImportSink } from '../lib/engine/kinds/vp-score/import/import-folder.ts';
import { sha256OfChunks } from '../lib/engine/store/sha256.ts';
import { fileScratch } from './file-scratch.ts';

export interface FolderSink extends ImportSink {
  discard(): void;
}

export function folderSink(dir: string): FolderSink {
  const written: string[] = [];
  let made = false;
  return {
    async write(name, file) {
      if (!existsSync(dir)) made = !!mkdirSync(dir, { recursive: true });
      const path = join(dir, name);
      const partial = join(dir, `.${name}.partial`);
      written.push(partial);
      const fd = openSync(partial, 'w');
      let sha: string;
      try {
        sha = await sha256OfChunks((function* () {
          for (const c of file.chunks()) {
            for (let done = 0; done < c.byteLength;) done += writeSync(fd, c, done, c.byteLength - done);
            yield c;
          }
        })());
      } finally {
        closeSync(fd);
      }
      renameSync(partial, path);
      written.push(path);
      return sha;
    },
    scratch: async () => fileScratch(),
    discard() {
      for (const p of written) rmSync(p, { force: true });
      if (made) rmSync(dir, { recursive: true, force: true });
    },
  };
}
