// A tensor of a checkpoint that has not been read yet: its name, dtype, shape and how to read its
// bytes (one byte range of the file). Checkpoints are read one tensor at a time, so a 1.8 GB file
// is never held whole and never copied into one ArrayBuffer (Chromium caps one near 2 GB).
import { fromFloat16Bits } from '../runtime/float16.ts';

export type CheckpointDtype = 'float32' | 'float16' | 'bfloat16' | 'int64';

export const DTYPE_BYTES: Readonly<Record<CheckpointDtype, number>> = { float32: 4, float16: 2, bfloat16: 2, int64: 8 };

export interface TensorRef {
  name: string;
  dtype: CheckpointDtype;
  shape: number[];
  /** The tensor's elements in row-major order: float32 for float dtypes, BigInt64Array for int64. */
  read(): Promise<Float32Array | BigInt64Array>;
}

/**
 * A checkpoint's bytes are a Blob — a File the user picked or one in OPFS in the browser,
 * `fs.openAsBlob` in Node — read by `slice` ranges, never whole.
 */
export async function readRange(blob: Blob, offset: number, length: number): Promise<Uint8Array> {
  return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
}

export const elementCount = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Little-endian element bytes → float32 (float dtypes) or int64 values. */
export function decodeElements(bytes: Uint8Array, dtype: CheckpointDtype): Float32Array | BigInt64Array {
  const n = bytes.byteLength / DTYPE_BYTES[dtype];
  // Typed arrays need aligned offsets; a range read into its own buffer is, a view may not be.
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  switch (dtype) {
    case 'float32':
      return new Float32Array(own.buffer, own.byteOffset, n);
    case 'int64':
      return new BigInt64Array(own.buffer, own.byteOffset, n);
    case 'float16':
      return fromFloat16Bits(new Uint16Array(own.buffer, own.byteOffset, n));
    case 'bfloat16': {
      // bfloat16 is the top half of a float32: shift the bits back into place.
      const bits = new Uint16Array(own.buffer, own.byteOffset, n);
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = bits[i] << 16;
      return new Float32Array(out.buffer);
    }
  }
}
