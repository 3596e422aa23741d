// Where a converter pass reads an initializer's values and puts the tensors it makes. In memory
// (`inMemory`, what `preflens convert` and the tests use) every tensor carries its rawData. The
// streamed import (streamed-tensors.ts) instead reads the checkpoint's weights only when a pass
// asks and keeps big results out of memory in a scratch file, so the passes stay the same code.
import { floatData, makeTensor, type TensorProto } from '../runtime/onnx-io.ts';

export interface TensorStore {
  /** An initializer's float32 values (from rawData, the checkpoint, or the scratch file). */
  floats(t: TensorProto): Float32Array;
  /** A new initializer with these bytes (little-endian raw_data). */
  tensor(name: string, dims: number[], dataType: number, bytes: ArrayBufferView): TensorProto;
}

export const inMemory: TensorStore = { floats: floatData, tensor: makeTensor };
