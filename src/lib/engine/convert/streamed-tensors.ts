// The TensorStore of the streamed import: the float32 graph's weights are lazy (read from the
// checkpoint when a pass asks for them), and a tensor a pass makes that is bigger than
// `minSpillBytes` goes to the scratch file at once, so memory holds the graph's structure, the
// small tensors and the one weight being converted, never a whole model. model-writer.ts then
// writes the variant's file from here, tensor by tensor.
import { DT, floatData, makeTensor, numel, type TensorProto } from '../runtime/onnx-io.ts';
import type { Scratch } from '../store/scratch.ts';
import type { TensorStore } from './tensor-store.ts';

export const MIN_SPILL_BYTES = 1 << 20;

/** Raw bytes written in pieces of at most this many (a 94 MB embedding table is not read in one go). */
const READ_BACK = 16 << 20;

export interface StreamedOptions {
  minSpillBytes?: number;
  /** Called when a lazy weight is read, with its float32 byte length (progress). */
  onRead?: (name: string, bytes: number) => void;
}

export class StreamedTensors implements TensorStore {
  readonly #spilled = new Map<TensorProto, { offset: number; length: number }>();
  constructor(private lazy: Map<TensorProto, () => Float32Array>, private scratch: Scratch, private o: StreamedOptions = {}) {}

  floats(t: TensorProto): Float32Array {
    const load = this.lazy.get(t);
    if (load) {
      this.o.onRead?.(t.name ?? '', numel(t) * 4);
      return load();
    }
    const at = this.#spilled.get(t);
    if (at) {
      if (t.dataType !== DT.float) throw new Error(`streamed import: ${t.name} is not float32`);
      const bytes = this.scratch.read(at.offset, at.length).slice();
      return new Float32Array(bytes.buffer, 0, at.length / 4);
    }
    return floatData(t);
  }

  tensor(name: string, dims: number[], dataType: number, bytes: ArrayBufferView): TensorProto {
    if (bytes.byteLength < (this.o.minSpillBytes ?? MIN_SPILL_BYTES)) return makeTensor(name, dims, dataType, bytes);
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const t: TensorProto = { name, dims, dataType };
    this.#spilled.set(t, { offset: this.scratch.append(view), length: view.byteLength });
    return t;
  }

  /** Whether the tensor's bytes live outside it (lazy or spilled): the writer then streams them. */
  isExternal(t: TensorProto): boolean {
    return this.lazy.has(t) || this.#spilled.has(t);
  }

  /** Length of the external raw_data (a lazy float32 weight: from its shape, without reading it). */
  rawLength(t: TensorProto): number {
    return this.#spilled.get(t)?.length ?? numel(t) * 4;
  }

  /** The external raw_data, in pieces. */
  *rawChunks(t: TensorProto): Iterable<Uint8Array> {
    const at = this.#spilled.get(t);
    if (!at) {
      const values = this.floats(t);
      yield new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      return;
    }
    for (let done = 0; done < at.length; done += READ_BACK) {
      yield this.scratch.read(at.offset + done, Math.min(READ_BACK, at.length - done));
    }
  }
}
