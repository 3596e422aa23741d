// One graph description, two files: fp32 and fp16. The graph is written once against a GraphBuilder;
// for the fp16 variant every float initializer is rounded to float16 at encode time, except the
// ones registered here as "float32 islands" (timestep maths, normalisation parameters, Resize
// scales). Float inputs/outputs take the variant's type; int inputs never change.
import { setFloat16 } from '@petamoriken/float16';
import { attrI, DT, GraphBuilder, onnx, type ElemType, type Tensor } from '../../src/lib/engine/convert/graph-builder.ts';

export type FloatVariant = 'fp32' | 'fp16';
/** ONNX TensorProto.DataType.FLOAT16; onnx-graph.ts's DT lists only what the VP graphs use. */
export const FLOAT16 = 10;
type IoType = 'float' | 'float32' | 'int32' | 'int64';

export class TypedGraph {
  readonly b = new GraphBuilder();
  readonly #keep32 = new Set<string>();
  readonly #scalars32 = new Map<number, string>();
  readonly #ints = new Map<string, string>();

  constructor(readonly variant: FloatVariant) {}

  /** The variant's float element type: what activations, weights and float I/O use. */
  get floatType(): number {
    return this.variant === 'fp16' ? FLOAT16 : DT.float;
  }

  /** A weight in the variant's float type (written as float32, rounded at encode for fp16). */
  weight(name: string, t: Tensor): string {
    return this.b.weight(name, t);
  }

  /** A float32 initializer in both variants. */
  weight32(name: string, t: Tensor): string {
    const n = this.b.weight(name, t);
    this.#keep32.add(n);
    return n;
  }

  scalar(value: number): string {
    return this.b.scalarF(value);
  }

  /** A float32 scalar in both variants, for the float32 islands. */
  scalar32(value: number): string {
    let n = this.#scalars32.get(Math.fround(value));
    if (!n) {
      n = this.weight32(`f32_${this.#scalars32.size}`, { shape: [], data: Float32Array.of(value) });
      this.#scalars32.set(Math.fround(value), n);
    }
    return n;
  }

  /** A 1-D int64 constant (shapes, axes, slice bounds), shared by every node using the same values. */
  ints(values: number[]): string {
    const key = values.join(',');
    let n = this.#ints.get(key);
    if (!n) this.#ints.set(key, (n = this.b.constI64(`i64_${this.#ints.size}`, [values.length], values)));
    return n;
  }

  /** Enter a float32 island (a Cast in the fp16 variant, nothing in fp32). */
  toF32(x: string): string {
    return this.variant === 'fp16' ? this.b.op('Cast', [x], { to: attrI(DT.float) }) : x;
  }

  /** Leave a float32 island. */
  fromF32(x: string): string {
    return this.variant === 'fp16' ? this.b.op('Cast', [x], { to: attrI(FLOAT16) }) : x;
  }

  /** `float` follows the variant; `float32` stays float32 (the bad-contract timestep). */
  input(name: string, type: IoType, dims: (number | string)[]): string {
    return this.b.input(name, this.#elem(type), dims);
  }

  output(name: string, type: IoType, dims: (number | string)[]): void {
    this.b.output(name, this.#elem(type), dims);
  }

  #elem(type: IoType): ElemType {
    const t = { float: this.floatType, float32: DT.float, int32: DT.int32, int64: DT.int64 }[type];
    return t as ElemType; // FLOAT16 is a valid ONNX elem type that onnx-graph.ts's union does not list
  }

  encode(graphName: string, docString: string): Uint8Array {
    const bytes = this.b.encode(graphName, docString);
    return this.variant === 'fp16' ? roundInitializers(bytes, this.#keep32) : bytes;
  }
}

type Initializer = { name: string; dataType: number; rawData: Uint8Array };

/**
 * Float32 initializers → float16 (round to nearest even, as torch's .half() and onnxconverter's
 * float16 pass do), except `keep`. Re-encoding a decoded ModelProto is byte-stable: protobufjs
 * writes fields in schema order, and nothing here depends on time or iteration order of a Map.
 */
function roundInitializers(bytes: Uint8Array, keep: Set<string>): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  for (const init of model.graph!.initializer as Initializer[]) {
    if (init.dataType !== DT.float || keep.has(init.name)) continue;
    const src = init.rawData;
    const f32 = new Float32Array(src.buffer.slice(src.byteOffset, src.byteOffset + src.byteLength));
    const out = new Uint8Array(f32.length * 2);
    const view = new DataView(out.buffer);
    for (let i = 0; i < f32.length; i++) setFloat16(view, i * 2, f32[i], true);
    init.dataType = FLOAT16;
    init.rawData = out;
  }
  return onnx.ModelProto.encode(model).finish();
}
