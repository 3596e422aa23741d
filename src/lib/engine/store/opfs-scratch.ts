// The streamed import's scratch file in the browser: an OPFS file written and read through a sync
// access handle (the converter passes are synchronous; these handles exist only in dedicated
// workers, where the engine runs). One per variant, removed when the variant is written; a
// leftover from an interrupted import is removed by the next one (same folder, cleared on open).
import type { Scratch } from './scratch.ts';
import type { FileHandle } from './opfs-storage.ts';

const FOLDER = 'preflens-scratch';

export async function opfsScratch(): Promise<Scratch> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
  const dir = await root.getDirectoryHandle(FOLDER, { create: true });
  const handle = await ((await dir.getFileHandle('tensors.bin', { create: true })) as FileHandle).createSyncAccessHandle();
  let size = 0;
  return {
    append(bytes) {
      const at = size;
      for (let done = 0; done < bytes.byteLength;) done += handle.write(bytes.subarray(done), { at: at + done });
      size += bytes.byteLength;
      return at;
    },
    read(offset, length) {
      const out = new Uint8Array(length);
      for (let done = 0; done < length;) {
        const n = handle.read(out.subarray(done), { at: offset + done });
        if (n <= 0) throw new Error(`scratch file: read past its end (${offset}+${length} of ${size})`);
        done += n;
      }
      return out;
    },
    async close() {
      handle.close();
      await root.removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
    },
  };
}
