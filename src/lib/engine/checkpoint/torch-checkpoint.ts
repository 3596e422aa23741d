// A PyTorch `torch.save` checkpoint: a zip whose entries are stored uncompressed — `<prefix>/data.pkl`
// (the state dict, see torch-pickle.ts) and one `<prefix>/data/<key>` per storage. unzipit reads
// the zip's directory (random access, ZIP64) by slicing the file's Blob; a stored entry comes back
// as a Blob slice too, so each tensor is read as the byte range of its slice of a storage.
import { unzipRaw } from 'unzipit';
import { CheckpointError } from '../errors.ts';
import { DTYPE_BYTES, decodeElements, elementCount, readRange, type TensorRef } from './tensor-ref.ts';
import { unpickleStateDict, type PickledTensor } from './torch-pickle.ts';

type ZipEntry = Awaited<ReturnType<typeof unzipRaw>>['entries'][number];

export async function readTorchCheckpoint(file: Blob, source: string): Promise<TensorRef[]> {
  let entries: ZipEntry[];
  try {
    ({ entries } = await unzipRaw(file));
  } catch (e) {
    throw new CheckpointError(`${source} is not a readable PyTorch checkpoint (zip): ${(e as Error).message}`);
  }
  // The folder prefix is the file's stem when it was saved ("archive/", "ImageReward/", …).
  const pkl = entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (!pkl) throw new CheckpointError(`${source} is a zip but not a PyTorch checkpoint: it has no <folder>/data.pkl`);
  const prefix = pkl.name.slice(0, -'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const tensors = unpickleStateDict(await entryBytes(pkl, source), source);
  return [...tensors].map(([name, t]) => {
    const entry = byName.get(`${prefix}data/${t.storage.key}`);
    if (!entry) throw new CheckpointError(`${source}: tensor ${name} names storage ${t.storage.key}, which the zip does not hold`);
    if (entry.compressionMethod !== 0) {
      throw new CheckpointError(`${source}: storage ${t.storage.key} is compressed; torch.save stores tensors uncompressed`);
    }
    const need = t.storage.numel * DTYPE_BYTES[t.storage.dtype];
    if (entry.size !== need) {
      throw new CheckpointError(`${source}: storage ${t.storage.key} has ${entry.size} bytes, ${need} expected`);
    }
    return tensorRef(entry, name, t, source);
  });
}

async function entryBytes(entry: ZipEntry, source: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await entry.arrayBuffer());
  } catch (e) {
    throw new CheckpointError(`${source}: ${entry.name} could not be read (${(e as Error).message}); is the file truncated?`);
  }
}

function tensorRef(entry: ZipEntry, name: string, t: PickledTensor, source: string): TensorRef {
  const { dtype } = t.storage;
  const size = DTYPE_BYTES[dtype];
  return {
    name,
    dtype,
    shape: t.shape,
    read: async () => {
      const n = elementCount(t.shape);
      // The smallest byte range holding the slice; strides other than row-major are gathered.
      const span = n === 0 ? 0 : t.shape.reduce((a, d, i) => a + (d - 1) * t.stride[i], 0) + 1;
      if ((t.offset + span) * size > entry.size) throw new CheckpointError(`${source}: tensor ${name} lies outside its storage`);
      const storage = await entry.blob();
      const bytes = await readRange(storage, t.offset * size, span * size);
      if (bytes.byteLength !== span * size) throw new CheckpointError(`${source}: tensor ${name} is cut short (truncated file?)`);
      const all = decodeElements(bytes, dtype);
      return isRowMajor(t.shape, t.stride) ? all.subarray(0, n) : gather(all, t.shape, t.stride);
    },
  };
}

function isRowMajor(shape: number[], stride: number[]): boolean {
  let expect = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expect) return false;
    expect *= shape[i];
  }
  return true;
}

function gather<A extends Float32Array | BigInt64Array>(src: A, shape: number[], stride: number[]): A {
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
