// A PyTorch `torch.save` checkpoint: a zip whose entries are stored uncompressed — `<prefix>/data.pkl`
// (the state dict, see torch-pickle.ts) and one `<prefix>/data/<key>` per storage. unzipit reads
// the zip's directory (random access, ZIP64) through a Reader over our ByteSource; a stored entry's
// data is asked for with the Reader's `sliceAsBlob(offset, length)`, which is how we learn where
// each storage starts in the file, so tensors are then read by byte range (also synchronously).
import { unzipRaw, type Reader } from 'unzipit';
import { CheckpointError } from '../errors.ts';
import type { ByteSource } from '../store/byte-source.ts';
import { DTYPE_BYTES, placedTensor, type TensorRef } from './tensor-ref.ts';
import { unpickleStateDict } from './torch-pickle.ts';

type ZipEntry = Awaited<ReturnType<typeof unzipRaw>>['entries'][number];

/** unzipit's Reader over a ByteSource; the (empty) Blob sliceAsBlob returns is a key to its range. */
class SourceReader implements Reader {
  readonly ranges = new WeakMap<Blob, { offset: number; length: number }>();
  constructor(private file: ByteSource) {}
  async getLength(): Promise<number> {
    return this.file.size;
  }
  async read(offset: number, size: number): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.file.read(offset, size));
  }
  async sliceAsBlob(offset: number, length: number): Promise<Blob> {
    const key = new Blob([]);
    this.ranges.set(key, { offset, length });
    return key;
  }
}

export async function readTorchCheckpoint(file: ByteSource): Promise<TensorRef[]> {
  const source = file.name;
  const reader = new SourceReader(file);
  let entries: ZipEntry[];
  try {
    ({ entries } = await unzipRaw(reader));
  } catch (e) {
    throw new CheckpointError(`${source} is not a readable PyTorch checkpoint (zip): ${(e as Error).message}`);
  }
  // The folder prefix is the file's stem when it was saved ("archive/", "ImageReward/", …).
  const pkl = entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.name));
  if (!pkl) throw new CheckpointError(`${source} is a zip but not a PyTorch checkpoint: it has no <folder>/data.pkl`);
  const prefix = pkl.name.slice(0, -'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const pickle = await storedRange(pkl, reader, source);
  const tensors = unpickleStateDict(await file.read(pickle.offset, pickle.length), source);
  const refs: TensorRef[] = [];
  for (const [name, t] of tensors) {
    const entry = byName.get(`${prefix}data/${t.storage.key}`);
    if (!entry) throw new CheckpointError(`${source}: tensor ${name} names storage ${t.storage.key}, which the zip does not hold`);
    const need = t.storage.numel * DTYPE_BYTES[t.storage.dtype];
    if (entry.size !== need) {
      throw new CheckpointError(`${source}: storage ${t.storage.key} has ${entry.size} bytes, ${need} expected`);
    }
    const at = await storedRange(entry, reader, source);
    refs.push(placedTensor(file, name, t.storage.dtype, t.shape, { storageStart: at.offset, storageBytes: entry.size, offset: t.offset, stride: t.stride }));
  }
  return refs;
}

/** Where a stored (uncompressed) entry's bytes lie in the file. */
async function storedRange(entry: ZipEntry, reader: SourceReader, source: string): Promise<{ offset: number; length: number }> {
  if (entry.compressionMethod !== 0) {
    throw new CheckpointError(`${source}: ${entry.name} is compressed; torch.save stores every entry uncompressed`);
  }
  let key: Blob;
  try {
    key = await entry.blob();
  } catch (e) {
    throw new CheckpointError(`${source}: ${entry.name} could not be read (${(e as Error).message}); is the file truncated?`);
  }
  const range = reader.ranges.get(key);
  if (!range) throw new CheckpointError(`${source}: ${entry.name} could not be located in the zip`);
  return range;
}
