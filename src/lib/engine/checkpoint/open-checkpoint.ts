// A checkpoint file of either format, told apart by its first bytes (never by its name).
import { CheckpointError } from '../errors.ts';
import { readSafetensors } from './safetensors.ts';
import { readRange, type TensorRef } from './tensor-ref.ts';
import { readTorchCheckpoint } from './torch-checkpoint.ts';

export async function openCheckpoint(file: Blob, source: string): Promise<TensorRef[]> {
  const head = await readRange(file, 0, 8);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return readTorchCheckpoint(file, source);
  // safetensors: a little-endian length, then the JSON header's "{".
  if (file.size > 9 && (await readRange(file, 8, 1))[0] === 0x7b) return readSafetensors(file, source);
  throw new CheckpointError(`${source} is neither a PyTorch checkpoint (.pt, a zip) nor a .safetensors file`);
}
