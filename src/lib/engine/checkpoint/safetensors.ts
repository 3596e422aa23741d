// A `.safetensors` file: an 8-byte little-endian header length, a JSON header naming each tensor's
// dtype, shape and byte range (relative to the end of the header), then the raw bytes. Written by
// hand because it is that small; read by ranges like the PyTorch zip.
import { CheckpointError } from '../errors.ts';
import type { ByteSource } from '../store/byte-source.ts';
import { DTYPE_BYTES, elementCount, placedTensor, rowMajorStride, type CheckpointDtype, type TensorRef } from './tensor-ref.ts';

const DTYPES: Readonly<Record<string, CheckpointDtype>> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64' };
/** The spec's own bound on the header, so a damaged length cannot make us read gigabytes of "JSON". */
const MAX_HEADER = 100_000_000;

export async function readSafetensors(file: ByteSource): Promise<TensorRef[]> {
  const source = file.name;
  if (file.size < 8) throw new CheckpointError(`${source} is too short to be a safetensors file`);
  const headerLength = Number(new DataView((await file.read(0, 8)).slice().buffer).getBigUint64(0, true));
  if (headerLength < 2 || headerLength > MAX_HEADER || 8 + headerLength > file.size) {
    throw new CheckpointError(`${source} is not a safetensors file (header length ${headerLength})`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(await file.read(8, headerLength)));
  } catch (e) {
    throw new CheckpointError(`${source}: the safetensors header is not JSON (${(e as Error).message})`);
  }
  const base = 8 + headerLength;
  return Object.entries(header).filter(([name]) => name !== '__metadata__').map(([name, raw]) => {
    const { dtype, shape, data_offsets: range } = (raw ?? {}) as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
    const dt = dtype && DTYPES[dtype];
    if (!dt) throw new CheckpointError(`${source}: tensor ${name} has dtype ${dtype}; PrefLens reads F32, F16, BF16 and I64`);
    if (!Array.isArray(shape) || !Array.isArray(range) || range.length !== 2) {
      throw new CheckpointError(`${source}: tensor ${name} has no shape or data_offsets`);
    }
    const [begin, end] = range;
    if (end - begin !== elementCount(shape) * DTYPE_BYTES[dt] || base + end > file.size) {
      throw new CheckpointError(`${source}: tensor ${name}'s bytes ${begin}–${end} do not fit its shape or the file (truncated?)`);
    }
    return placedTensor(file, name, dt, shape, { storageStart: base + begin, storageBytes: end - begin, offset: 0, stride: rowMajorStride(shape) });
  });
}
