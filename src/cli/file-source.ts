// A file on disk as a checkpoint ByteSource (CLI, bench, tests): ranges read with fs, also
// synchronously, which the streamed import's converter passes need.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import type { ByteSource } from '../lib/engine/store/byte-source.ts';

export interface FileSource extends ByteSource {
  readSync(offset: number, length: number): Uint8Array;
  close(): void;
}

export function fileSource(path: string): FileSource {
  const fd = openSync(path, 'r');
  const readRange = (offset: number, length: number): Uint8Array => {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? out : out.subarray(0, done);
  };
  return {
    name: basename(path),
    size: fstatSync(fd).size,
    read: async (offset, length) => readRange(offset, length),
    readSync: readRange,
    close: () => closeSync(fd),
  };
}
