// The streamed import's scratch file in the browser: an OPFS file written and read through a sync
// access handle (the converter passes are synchronous; these handles exist only in dedicated
// workers, where the engine runs). One per variant, removed when the variant is written; a
// leftover from an interrupted import (a closed tab) is removed when the engine starts and no
// conversion runs (opfsLeftover), or else by the next import (same folder, cleared on open).
import type { Scratch, ScratchLeftover } from './scratch.ts';
import type { FileHandle } from './opfs-storage.ts';

const FOLDER = 'preflens-scratch';
const FILE = 'tensors.bin';
/** The size of the scratch file this worker has open (its sync handle may keep others from reading it). */
let openBytes: number | null = null;

export const opfsLeftover: ScratchLeftover = {
  async bytes() {
    if (openBytes !== null) return openBytes;
    try {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(FOLDER);
      return (await (await dir.getFileHandle(FILE)).getFile()).size;
    } catch {
      return 0; // none (or held open by another tab's conversion, which cannot be read)
    }
  },
  async remove() {
    const root = await navigator.storage.getDirectory();
    await root.removeEntry(FOLDER, { recursive: true }).catch((e: DOMException) => {
      if (e.name !== 'NotFoundError') throw e;
    });
  },
};

export async function opfsScratch(): Promise<Scratch> {
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
  const dir = await root.getDirectoryHandle(FOLDER, { create: true });
  const handle = await ((await dir.getFileHandle(FILE, { create: true })) as FileHandle).createSyncAccessHandle();
  let size = 0;
  openBytes = 0;
  return {
    append(bytes) {
      const at = size;
      for (let done = 0; done < bytes.byteLength;) done += handle.write(bytes.subarray(done), { at: at + done });
      size += bytes.byteLength;
      openBytes = size;
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
      openBytes = null;
      await root.removeEntry(FOLDER, { recursive: true }).catch(() => undefined);
    },
  };
}
