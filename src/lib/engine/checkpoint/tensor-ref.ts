// A tensor of a checkpoint that has not been read yet: its name, dtype, shape and where its
// elements lie in the file. Checkpoints are read one tensor at a time, so a 1.8 GB file is never
// held whole and never copied into one ArrayBuffer (Chromium caps one near 2 GB).
import { CheckpointError } from '../errors.ts';
import { fromFloat16Bits } from '../runtime/float16.ts';
import { checkedRead, type ByteSource } from '../store/byte-source.ts';

export type CheckpointDtype = 'float32' | 'float16' | 'bfloat16' | 'int64';

export const DTYPE_BYTES: Readonly<Record<CheckpointDtype, number>> = { float32: 4, float16: 2, bfloat16: 2, int64: 8 };

export type Elements = Float32Array | BigInt64Array;

export interface TensorRef {
  name: string;
  dtype: CheckpointDtype;
  shape: number[];
  /** The tensor's elements in row-major order: float32 for float dtypes, BigInt64Array for int64. */
  read(): Promise<Elements>;
  /** The same, synchronously (the streamed import's converter passes); a CheckpointError where the source cannot. */
  readSync(): Elements;
}

/** Where a tensor lies: its storage's first byte in the file and size, the element offset into it, the strides. */
export interface TensorPlace {
  storageStart: number;
  storageBytes: number;
  offset: number;
  stride: number[];
}

export const elementCount = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export function rowMajorStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) [stride[i], s] = [s, s * shape[i]];
  return stride;
}

export function placedTensor(source: ByteSource, name: string, dtype: CheckpointDtype, shape: number[], at: TensorPlace): TensorRef {
  const size = DTYPE_BYTES[dtype];
  const n = elementCount(shape);
  // The smallest byte range holding the tensor; strides other than row-major are gathered.
  const span = n === 0 ? 0 : shape.reduce((a, d, i) => a + (d - 1) * at.stride[i], 0) + 1;
  const range = (): [number, number] => {
    if ((at.offset + span) * size > at.storageBytes) throw new CheckpointError(`${source.name}: tensor ${name} lies outside its storage`);
    return [at.storageStart + at.offset * size, span * size];
  };
  const decode = (bytes: Uint8Array): Elements => {
    const all = decodeElements(checkedRead(bytes, span * size, `tensor ${name}`, source), dtype);
    return isRowMajor(shape, at.stride) ? all.subarray(0, n) : gather(all, shape, at.stride);
  };
  return {
    name,
    dtype,
    shape,
    read: async () => decode(await source.read(...range())),
    readSync: () => {
      if (!source.readSync) throw new CheckpointError(`${source.name} cannot be read synchronously here (the import runs in the engine's worker)`);
      return decode(source.readSync(...range()));
    },
  };
}

/** Little-endian element bytes → float32 (float dtypes) or int64 values. */
export function decodeElements(bytes: Uint8Array, dtype: CheckpointDtype): Elements {
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

function isRowMajor(shape: number[], stride: number[]): boolean {
  let expect = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expect) return false;
    expect *= shape[i];
  }
  return true;
}

function gather<A extends Elements>(src: A, shape: number[], stride: number[]): A {
  const out = new (src.constructor as new (n: number) => A)(elementCount(shape));
  const idx = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < out.length; k++) {
    let at = 0;
    for (let i = 0; i < shape.length; i++) at += idx[i] * stride[i];
    out[k] = src[at];
    for (let i = shape.length - 1; i >= 0 && ++idx[i] === shape[i]; i--) idx[i] = 0;
  }
  return out;
}
