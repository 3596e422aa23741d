// A checkpoint file of either format, told apart by its first bytes (never by its name).
import { CheckpointError } from '../errors.ts';
import type { ByteSource } from '../store/byte-source.ts';
import { readSafetensors } from './safetensors.ts';
import type { TensorRef } from './tensor-ref.ts';
import { readTorchCheckpoint } from './torch-checkpoint.ts';

export async function openCheckpoint(file: ByteSource): Promise<TensorRef[]> {
  const head = await file.read(0, Math.min(9, file.size));
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return readTorchCheckpoint(file);
  // safetensors: a little-endian length, then the JSON header's "{".
  if (file.size > 9 && head[8] === 0x7b) return readSafetensors(file);
  throw new CheckpointError(`${file.name} is neither a PyTorch checkpoint (.pt, a zip) nor a .safetensors file`);
}
