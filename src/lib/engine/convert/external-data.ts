// A self-contained ONNX model split into the layout the model store keeps: a small graph file and
// one external-data file holding every large initializer (ONNX's external data: `data_location`
// EXTERNAL with location/offset/length). onnxruntime-web's JSPI build then reads the weights from a
// Blob per initializer (runtime/ort-build.ts): they go from disk into their tensors, never whole
// into JS memory. Python's `onnx.save_model(save_as_external_data=True)` writes the same layout
// (tools/export_vp_score.py), with offsets aligned the same way.
import { ConvertError } from '../errors.ts';
import { decodeModel, encodeModel, onnx, type TensorProto } from './onnx-io.ts';

/** Initializers smaller than this stay in the graph (shapes, scales: not worth a read each). */
export const EXTERNAL_THRESHOLD = 1024;
/** Each tensor starts on a 4 KiB boundary, as onnx's Python writer does for memory mapping. */
const ALIGN = 4096;

export interface SplitModel {
  graph: Uint8Array;
  data: Uint8Array;
}

/** Move every initializer of `EXTERNAL_THRESHOLD` bytes or more into `dataName`. */
export function splitExternalData(modelBytes: Uint8Array, dataName: string): SplitModel {
  const model = decodeModel(modelBytes);
  const inits = model.graph?.initializer ?? [];
  if (inits.some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) {
    throw new ConvertError('the model already keeps weights in external data');
  }
  const moved = inits.filter((t) => (t.rawData?.byteLength ?? 0) >= EXTERNAL_THRESHOLD);
  let size = 0;
  const at = moved.map((t) => {
    const offset = Math.ceil(size / ALIGN) * ALIGN;
    size = offset + t.rawData!.byteLength;
    return offset;
  });
  const data = new Uint8Array(size);
  moved.forEach((t, i) => {
    data.set(t.rawData!, at[i]);
    externalize(t, dataName, at[i], t.rawData!.byteLength);
  });
  return { graph: encodeModel(model), data };
}

function externalize(t: TensorProto, location: string, offset: number, length: number): void {
  t.rawData = new Uint8Array(0);
  t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  t.externalData = [
    { key: 'location', value: location },
    { key: 'offset', value: String(offset) },
    { key: 'length', value: String(length) },
  ];
}
