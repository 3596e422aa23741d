// Small helpers over onnx-proto's generated protobuf classes for writing graphs by hand. Node and
// tensor names come from a counter and insertion order only, so the same calls give the same bytes.
import onnxProto from 'onnx-proto'; // CommonJS: only the default export exists under Node's ESM loader

export const { onnx } = onnxProto;

/** Row-major float32 data with its shape. */
export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/**
 * A weight whose values are read only when its bytes are written: the streamed checkpoint import
 * builds the full-size graph with these, so one tensor at a time is in memory, never the model.
 */
export interface LazyTensor {
  shape: number[];
  load(): Float32Array;
}

export type Weight = Tensor | LazyTensor;

export const weightData = (w: Weight): Float32Array => ('data' in w ? w.data : w.load());

/** The model as protobuf objects, and the loaders of the initializers left without bytes (LazyTensor weights). */
export interface BuiltModel {
  model: onnxProto.onnx.IModelProto;
  lazy: Map<onnxProto.onnx.ITensorProto, () => Float32Array>;
}

export const DT = { float: 1, int32: 6, int64: 7 } as const;
export type ElemType = (typeof DT)[keyof typeof DT];

/** IR 8 is the newest onnx-proto 8.0.1 knows (ONNX 1.10); onnxruntime-web 1.30 reads IR ≤ 11. */
export const IR_VERSION = 8;
export const OPSET = 17;

type AttrValue = { f: number } | { i: number } | { ints: number[] };
export const attrF = (f: number): AttrValue => ({ f });
export const attrI = (i: number): AttrValue => ({ i });
export const attrInts = (ints: number[]): AttrValue => ({ ints });

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  // ONNX raw_data is little-endian; the typed-array views below assume the host is too.
  throw new Error('models/: building ONNX files needs a little-endian host');
}
const bytesOf = (a: Float32Array | BigInt64Array | Int32Array) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));

export class GraphBuilder {
  readonly #nodes: unknown[] = [];
  readonly #initializers: unknown[] = [];
  readonly #inputs: unknown[] = [];
  readonly #outputs: unknown[] = [];
  readonly #lazy = new Map<onnxProto.onnx.ITensorProto, () => Float32Array>();
  readonly #names = new Set<string>();
  readonly #scalars = new Map<string, string>();
  #counter = 0;

  #fresh(base: string): string {
    let name = base;
    while (this.#names.has(name)) name = `${base}_${++this.#counter}`;
    this.#names.add(name);
    return name;
  }

  /** A float32 weight as an initializer; returns its name. */
  weight(name: string, t: Weight): string {
    if ('data' in t) return this.#init(name, t.shape, DT.float, bytesOf(t.data));
    const n = this.#fresh(name);
    const tensor = { name: n, dims: t.shape, dataType: DT.float };
    this.#initializers.push(tensor);
    this.#lazy.set(tensor, t.load);
    return n;
  }

  constF(name: string, dims: number[], values: number[]): string {
    return this.#init(name, dims, DT.float, bytesOf(Float32Array.from(values)));
  }

  /** A float32 scalar constant, shared by every node that uses the same value. */
  scalarF(value: number): string {
    const key = String(Math.fround(value));
    let name = this.#scalars.get(key);
    if (!name) {
      name = this.constF(`c${this.#scalars.size}`, [], [value]);
      this.#scalars.set(key, name);
    }
    return name;
  }

  constI64(name: string, dims: number[], values: number[]): string {
    return this.#init(name, dims, DT.int64, bytesOf(BigInt64Array.from(values, (v) => BigInt(v))));
  }

  #init(name: string, dims: number[], dataType: number, rawData: Uint8Array): string {
    const n = this.#fresh(name);
    this.#initializers.push({ name: n, dims, dataType, rawData });
    return n;
  }

  /** Adds one node with a single output and returns that output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outName?: string): string {
    const out = outName ?? this.#fresh(`${opType.toLowerCase()}`);
    if (outName) this.#names.add(outName);
    const attribute = Object.entries(attrs).map(([name, v]) => {
      if ('f' in v) return { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: v.f };
      if ('i' in v) return { name, type: onnx.AttributeProto.AttributeType.INT, i: v.i };
      return { name, type: onnx.AttributeProto.AttributeType.INTS, ints: v.ints };
    });
    this.#nodes.push({ name: `n${this.#nodes.length}_${opType}`, opType, input: inputs, output: [out], attribute });
    return out;
  }

  input(name: string, elemType: ElemType, dims: (number | string)[]): string {
    this.#names.add(name);
    this.#inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: ElemType, dims: (number | string)[]): void {
    this.#outputs.push(valueInfo(name, elemType, dims));
  }

  /** Serialises the model (lazy weights read now); protobufjs writes fields in schema order, so bytes are reproducible. */
  encode(graphName: string, docString: string): Uint8Array {
    const { model, lazy } = this.build(graphName, docString);
    model.graph!.initializer = model.graph!.initializer!.map((t) => {
      const load = lazy.get(t);
      return load ? { ...t, rawData: bytesOf(load()) } : t;
    });
    return onnx.ModelProto.encode(model).finish();
  }

  build(graphName: string, docString: string): BuiltModel {
    const model = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'preflens-models',
      producerVersion: '1',
      docString,
      graph: {
        name: graphName,
        node: this.#nodes,
        initializer: this.#initializers,
        input: this.#inputs,
        output: this.#outputs,
      },
    };
    return { model: model as onnxProto.onnx.IModelProto, lazy: this.#lazy };
  }
}

function valueInfo(name: string, elemType: ElemType, dims: (number | string)[]) {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
