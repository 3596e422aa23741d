// A self-contained ONNX model split into the layout the model store keeps: a small graph file and
// one external-data file holding every large initializer (ONNX's external data: `data_location`
// EXTERNAL with location/offset/length). onnxruntime-web's JSPI build then reads the weights from a
// Blob per initializer (runtime/ort-build.ts): they go from disk into their tensors, never whole
// into JS memory. Python's `onnx.save_model(save_as_external_data=True)` writes the same layout
// (tools/export_vp_score.py), with offsets aligned the same way.
import { ConvertError } from '../errors.ts';
import { decodeModel, encodeModel, onnx, type TensorProto } from '../runtime/onnx-io.ts';

/** Initializers smaller than this stay in the graph (shapes, scales: not worth a read each). */
export const EXTERNAL_THRESHOLD = 1024;
/** Each tensor starts on a 4 KiB boundary, as onnx's Python writer does for memory mapping. */
const ALIGN = 4096;

/** The data file beside a graph: `model.q8.onnx` keeps its weights in `model.q8.onnx_data`. */
export const dataFileOf = (graphFile: string): string => `${graphFile}_data`;

export interface SplitModel {
  graph: Uint8Array;
  data: Uint8Array;
}

/** An initializer moved to the data file: where its bytes start and how many there are. */
export interface Placement {
  t: TensorProto;
  offset: number;
  length: number;
}

/**
 * The one rule every writer of the layout follows (this in-memory split and the streamed import's
 * model-writer.ts): initializers of `EXTERNAL_THRESHOLD` bytes or more move, in graph order, each
 * at the next 4 KiB boundary. `length` gives a tensor's raw_data length (0: it has none).
 */
export function placeExternal(inits: readonly TensorProto[], length: (t: TensorProto) => number): { placed: Placement[]; size: number } {
  let size = 0;
  const placed: Placement[] = [];
  for (const t of inits) {
    const n = length(t);
    if (n < EXTERNAL_THRESHOLD) continue;
    const offset = Math.ceil(size / ALIGN) * ALIGN;
    placed.push({ t, offset, length: n });
    size = offset + n;
  }
  return { placed, size };
}

/** Move every initializer of `EXTERNAL_THRESHOLD` bytes or more into `dataName`. */
export function splitExternalData(modelBytes: Uint8Array, dataName: string): SplitModel {
  const model = decodeModel(modelBytes);
  const inits = model.graph?.initializer ?? [];
  if (inits.some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) {
    throw new ConvertError('the model already keeps weights in external data');
  }
  const { placed, size } = placeExternal(inits, (t) => t.rawData?.byteLength ?? 0);
  const data = new Uint8Array(size);
  for (const { t, offset, length } of placed) {
    data.set(t.rawData!, offset);
    externalize(t, dataName, offset, length);
  }
  return { graph: encodeModel(model), data };
}

/**
 * The inverse: a graph and its external-data files as one self-contained model (what the converter's
 * passes read). Byte for byte the model `splitExternalData` was given.
 */
export function joinExternalData(graphBytes: Uint8Array, files: readonly { path: string; data: Uint8Array }[]): Uint8Array {
  const model = decodeModel(graphBytes);
  for (const t of model.graph?.initializer ?? []) {
    if (t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const kv = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    const file = files.find((f) => f.path === kv.location);
    if (!file) throw new ConvertError(`${t.name} is kept in ${kv.location}, which was not given (found: ${files.map((f) => f.path).join(', ') || 'nothing'})`);
    const offset = Number(kv.offset ?? 0);
    const end = kv.length === undefined ? file.data.byteLength : offset + Number(kv.length);
    if (!(end <= file.data.byteLength)) throw new ConvertError(`${t.name} needs bytes ${offset}–${end} of ${kv.location}, which has ${file.data.byteLength}: truncated`);
    t.rawData = file.data.subarray(offset, end);
    // Back to the prototype's defaults, so the fields are not written at all (as before the split).
    delete (t as Partial<TensorProto>).externalData;
    delete (t as Partial<TensorProto>).dataLocation;
  }
  return encodeModel(model);
}

/** The tensor's raw_data replaced by a reference into the data file (onnx's external-data fields). */
export function externalize(t: TensorProto, location: string, offset: number, length: number): void {
  t.rawData = new Uint8Array(0);
  t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  t.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(length) },
  ];
}
