// The streamed import's scratch file in Node: a temporary file, appended and read back with fs,
// deleted when the variant is written.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scratch } from '../lib/engine/store/scratch.ts';

export function fileScratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'preflens-scratch-'));
  const fd = openSync(join(dir, 'tensors.bin'), 'w+');
  let size = 0;
  return {
    append(bytes) {
      const at = size;
      for (let done = 0; done < bytes.byteLength;) done += writeSync(fd, bytes, done, bytes.byteLength - done, at + done);
      size += bytes.byteLength;
      return at;
    },
    read(offset, length) {
      const out = new Uint8Array(length);
      for (let done = 0; done < length;) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new Error(`scratch file: read past its end (${offset}+${length} of ${size})`);
        done += n;
      }
      return out;
    },
    close() {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
