// Graphs the engine always runs at one shape — the diffusion graphs: batch 1, the family's token
// count and latent size — get their free (named) dimensions fixed when the session is created
// (onnxruntime's `freeDimensionOverrides`, as ORT's SD-Turbo web demo does), so onnxruntime plans
// memory and folds shape computations once instead of on every run. The VP-Score graph keeps its
// free batch dimension: it runs at batch 1 and 8.
import { onnx } from './onnx-io.ts';

/** Each graph input's dims: a number, or the name of a free dimension. */
export type InputDims = Record<string, (number | string)[]>;

/** protobuf field numbers: ModelProto.graph, GraphProto.input. */
const MODEL_GRAPH = 7;
const GRAPH_INPUT = 11;

/**
 * The graph's inputs, read by walking the protobuf fields and skipping the rest in place — a
 * one-file model is mostly initializers (1.7 GB for SD-Turbo's UNet), which protobufjs' decoder
 * would copy; it has no way to skip a field, hence this walker.
 */
export function graphInputDims(bytes: Uint8Array): InputDims {
  const inputs: InputDims = {};
  const graph = fieldsOf(bytes, 0, bytes.byteLength).find((f) => f.field === MODEL_GRAPH);
  if (!graph) return inputs;
  for (const f of fieldsOf(bytes, graph.start, graph.end)) {
    if (f.field !== GRAPH_INPUT) continue;
    const v = onnx.ValueInfoProto.decode(bytes.subarray(f.start, f.end));
    const dims = v.type?.tensorType?.shape?.dim ?? [];
    inputs[v.name ?? ''] = dims.map((d) => d.dimParam || Number(d.dimValue ?? 0));
  }
  return inputs;
}

/**
 * Free dimension → value for every named dimension the run shapes pin down (`shapes`: input name →
 * the one shape it is always fed). A name the shapes give two values stays free.
 */
export function freeDimensionOverrides(inputs: InputDims, shapes: Record<string, readonly number[]>): Record<string, number> {
  const found = new Map<string, number | null>();
  for (const [name, shape] of Object.entries(shapes)) {
    (inputs[name] ?? []).forEach((d, i) => {
      if (typeof d !== 'string' || !d || shape[i] === undefined) return;
      const prev = found.get(d);
      found.set(d, prev === undefined || prev === shape[i] ? shape[i] : null);
    });
  }
  return Object.fromEntries([...found].filter((e): e is [string, number] => e[1] !== null));
}

interface Field {
  field: number;
  /** The payload of a length-delimited field (other wire types are skipped, not listed). */
  start: number;
  end: number;
}

function fieldsOf(b: Uint8Array, from: number, to: number): Field[] {
  const out: Field[] = [];
  let at = from;
  const varint = (): number => {
    let n = 0;
    for (let mul = 1; ; mul *= 128) {
      if (at >= to) throw new Error('truncated protobuf');
      const byte = b[at++];
      n += (byte & 0x7f) * mul;
      if (byte < 0x80) return n;
    }
  };
  while (at < to) {
    const key = varint();
    const wire = key % 8;
    const field = Math.floor(key / 8);
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const len = varint();
      out.push({ field, start: at, end: at + len });
      at += len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}
