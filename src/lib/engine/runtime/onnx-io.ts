// ONNX ModelProto in and out (onnx-proto's protobufjs classes) plus the small tensor and node helpers
// the converter passes share.
//
// Why this folder exists: rewriting an ONNX graph to fp16 / int8 / int4 is something no JavaScript
// library offers — onnxruntime's quantization tools (quantize_dynamic, MatMul4BitsQuantizer) and
// onnxconverter-common's float16 converter are Python-only. So PrefLens carries its own, kept small
// on purpose: it handles the ops our VP-Score graphs use (models/vp-score/*-graph.ts) and refuses
// anything else with a clear error instead of guessing.
import onnxProto from 'onnx-proto'; // CommonJS: only the default export exists under Node's ESM loader
import { ConvertError } from '../errors.ts';

export const { onnx } = onnxProto;
export type Model = onnxProto.onnx.IModelProto;
export type Graph = onnxProto.onnx.IGraphProto;
export type Node = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type Attr = onnxProto.onnx.IAttributeProto;

/** ONNX TensorProto.DataType values we meet. */
export const DT = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 } as const;
export const MS_DOMAIN = 'com.microsoft';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('convert/: ONNX raw_data is little-endian; this host is not');
}

export function decodeModel(bytes: Uint8Array): Model {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new ConvertError(`not an ONNX model (protobuf decode failed: ${(e as Error).message})`);
  }
}

export function encodeModel(model: Model): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** protobufjs gives int64 fields as number or Long. */
export const num = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v)));

export const dimsOf = (t: TensorProto): number[] => (t.dims ?? []).map(num);
export const numel = (t: TensorProto): number => dimsOf(t).reduce((a, b) => a * b, 1);

/** Copies, so the result is aligned and does not alias the decoded file. */
export function floatData(t: TensorProto): Float32Array {
  if (t.dataType !== DT.float) throw new ConvertError(`initializer ${t.name} is not float32`);
  if (t.rawData && t.rawData.byteLength) return new Float32Array(new Uint8Array(t.rawData).buffer);
  return Float32Array.from(t.floatData ?? []);
}

export function makeTensor(name: string, dims: number[], dataType: number, bytes: ArrayBufferView): TensorProto {
  const rawData = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  return { name, dims, dataType, rawData };
}


export function getAttr(node: Node, name: string): Attr | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

/** Fresh names that collide with nothing already in the graph. */
export function namer(graph: Graph): (base: string) => string {
  const used = new Set<string>();
  for (const n of graph.node ?? []) for (const x of [...(n.input ?? []), ...(n.output ?? [])]) used.add(x);
  for (const t of graph.initializer ?? []) used.add(t.name ?? '');
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) used.add(v.name ?? '');
  return (base) => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
}

/** How many nodes read each value (graph outputs count as readers too). */
export function consumerCounts(graph: Graph): Map<string, number> {
  const counts = new Map<string, number>();
  const bump = (x: string) => counts.set(x, (counts.get(x) ?? 0) + 1);
  for (const n of graph.node ?? []) for (const x of n.input ?? []) if (x) bump(x);
  for (const o of graph.output ?? []) bump(o.name ?? '');
  return counts;
}

export function ensureOpset(model: Model, domain: string, version: number): void {
  const ops = (model.opsetImport ??= []);
  if (!ops.some((o) => (o.domain ?? '') === domain)) ops.push({ domain, version });
}

export function markVariant(model: Model, variant: string): void {
  model.producerName = 'preflens-convert';
  model.producerVersion = '1';
  model.docString = `${model.docString ?? ''} [converted to ${variant} by preflens convert]`.trim();
}
