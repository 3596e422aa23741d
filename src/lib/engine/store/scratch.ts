// An append-only scratch file for the streamed import: the big tensors a converter pass makes are
// written here as they are made and read back once, when the variant's file is written. Passes are
// synchronous, so is this: OPFS sync access handles in the worker (store/opfs-scratch.ts), fs in
// Node (src/cli/file-scratch.ts), memory in tests.

export interface Scratch {
  /** Appends the bytes; returns the offset they start at. */
  append(bytes: Uint8Array): number;
  read(offset: number, length: number): Uint8Array;
  /** Releases it (and deletes the file where there is one). */
  close(): void | Promise<void>;
}

/**
 * Where the scratch file lives between visits (OPFS): one is left behind when a conversion is cut
 * short by a closed tab, and until it is removed it takes space the storage line must count.
 */
export interface ScratchLeftover {
  /** Bytes of the scratch file now (0 when there is none). */
  bytes(): Promise<number>;
  /** Removes it; throws when it cannot (a conversion in another tab holds it open). */
  remove(): Promise<void>;
}

export function memoryScratch(): Scratch & { bytes(): number } {
  const parts: Uint8Array[] = [];
  const starts: number[] = [];
  let size = 0;
  return {
    append(bytes) {
      starts.push(size);
      parts.push(bytes.slice());
      size += bytes.byteLength;
      return starts[starts.length - 1];
    },
    read(offset, length) {
      // Reads are whole parts or slices of one part (the writer reads tensor by tensor).
      let i = starts.length - 1;
      while (i > 0 && starts[i] > offset) i--;
      const at = offset - starts[i];
      if (at + length > parts[i].byteLength) throw new RangeError(`memory scratch: read ${offset}+${length} crosses a part`);
      return parts[i].subarray(at, at + length);
    },
    close() {
      parts.length = 0;
    },
    bytes: () => size,
  };
}
