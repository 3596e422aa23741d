// float32 → fp16 graph. Weights become float16 (bits from @petamoriken/float16 via ../runtime/float16.ts);
// the graph's float inputs/outputs stay float32 (a Cast at each boundary), so the engine feeds and
// reads the same tensors as before. Ops whose math is range- or precision-sensitive in half
// precision run in float32 with Casts around them:
//   - LayerNormalization: the variance sums squares (overflows past |x|≈255 per element summed), and
//     BERT's epsilon 1e-12 is 0 in fp16 (BLIP's 1e-6 is a subnormal);
//   - the decomposed LayerNorm pattern (ReduceMean, Sub/Add on a mean, Pow, Sqrt, Div by the Sqrt);
//   - Softmax (exp and the row sum), Exp, Log, ReduceSum/ReduceMean, Erf (GELU's saturating part);
//   - any node fed a weight whose values do not fit fp16 (|w| > 65504);
//   - ConstantOfShape (its value attribute is float32), DequantizeLinear (float16 output needs opset 19).
// For q4f16 the rewrite also runs on the q4 pass's output: MatMulNBits then takes fp16 A and scales.
// Integer tensors (shapes, indices, the attention mask) are never touched. Nodes are visited in the
// file's (topological) order and each float value is tracked as fp16 or fp32 in the new graph.
import { toFloat16Bits } from '../runtime/float16.ts';
import { assertFloat32VpScore } from './contract-check.ts';
import { ConvertError } from '../errors.ts';
import { DT, floatData, getAttr, makeTensor, markVariant, namer, num, onnx, type Model, type Node, type TensorProto } from '../runtime/onnx-io.ts';
import { runSteps, type Steps } from './steps.ts';
import { inMemory, type TensorStore } from './tensor-store.ts';

const FP16_MAX = 65504;
const KEEP_FP32 = new Set(['DequantizeLinear', 'LayerNormalization', 'Softmax', 'LogSoftmax', 'Exp', 'Log', 'Erf', 'ReduceMean', 'ReduceSum', 'Pow', 'Sqrt', 'Reciprocal', 'ConstantOfShape']);
/** Output element type = input 0's. Anything not here and not special-cased below is refused. */
const SAME_AS_INPUT0 = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'MatMul', 'Gemm', 'Conv', 'Reshape', 'Transpose', 'Concat', 'Expand', 'Unsqueeze', 'Squeeze',
  'Identity', 'LayerNormalization', 'Softmax', 'LogSoftmax', 'Erf', 'Gather', 'Slice', 'Split', 'Flatten', 'Tanh', 'Sigmoid', 'Relu',
  'Gelu', 'ReduceMean', 'ReduceSum', 'Pow', 'Sqrt', 'Reciprocal', 'Exp', 'Log', 'Neg', 'Abs', 'Max', 'Min', 'Pad', 'Tile',
]);
/** com.microsoft ops the rewrite understands (the q4 pass's output, for q4f16). */
const CONTRIB = new Set(['MatMulNBits']);
const INT64_OUT = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'Not', 'And', 'Or']);
const isFloat = (t: number | undefined) => t === DT.float || t === DT.float16;

export function convertToFp16(model: Model, source = 'model', store: TensorStore = inMemory): Model {
  return runSteps(convertToFp16Steps(model, source, store));
}

export function* convertToFp16Steps(model: Model, source = 'model', store: TensorStore = inMemory): Steps<Model> {
  assertFloat32VpScore(model, source);
  return yield* rewriteToFp16Steps(model, source, store);
}

/** The rewrite without the VP-Score contract check (any float32 graph of the ops known here). */
export function rewriteToFp16(model: Model, source = 'model', store: TensorStore = inMemory): Model {
  return runSteps(rewriteToFp16Steps(model, source, store));
}

/** The rewrite, yielding after each float weight it reads (steps.ts). */
export function* rewriteToFp16Steps(model: Model, source = 'model', store: TensorStore = inMemory): Steps<Model> {
  const g = model.graph!;
  const fresh = namer(g);
  const inits = new Map((g.initializer ?? []).map((t) => [t.name!, t]));
  /** Element type of every value in the NEW graph. */
  const type = new Map<string, number>();
  for (const v of g.input ?? []) type.set(v.name!, v.type?.tensorType?.elemType ?? 0);
  // Each float weight is read once: its range decides the graph, its fp16 copy is made at the same
  // time (a streamed import reads a weight from the checkpoint per call) and used if an fp16 node reads it.
  const outOfRange = new Set<string>();
  const half = new Map<string, TensorProto>();
  for (const t of inits.values()) {
    if (t.dataType !== DT.float) continue;
    const values = store.floats(t);
    if (values.some((x) => Math.abs(x) > FP16_MAX)) outOfRange.add(t.name!);
    else half.set(t.name!, store.tensor(t.name!, (t.dims ?? []).map(num), DT.float16, toFloat16Bits(values)));
    yield;
  }

  // Pass 1: which nodes run in fp32.
  const producer = new Map<string, string>();
  for (const n of g.node ?? []) for (const o of n.output ?? []) producer.set(o, n.opType ?? '');
  const fromOp = (x: string, op: string) => producer.get(x) === op;
  const fp32Node = (n: Node): boolean => {
    const op = n.opType ?? '';
    if (KEEP_FP32.has(op) || (n.input ?? []).some((x) => outOfRange.has(x))) return true;
    if ((op === 'Sub' || op === 'Add') && (n.input ?? []).some((x) => fromOp(x, 'ReduceMean'))) return true;
    return op === 'Div' && (n.input ?? []).some((x) => fromOp(x, 'Sqrt'));
  };

  // Float initializers read by any fp16 node become float16; those read only in fp32 stay.
  const fp16Readers = new Set<string>();
  for (const n of g.node ?? []) if (!fp32Node(n)) for (const x of n.input ?? []) fp16Readers.add(x);
  g.initializer = (g.initializer ?? []).map((t) => (fp16Readers.has(t.name!) && half.get(t.name!)) || t);
  for (const t of g.initializer) type.set(t.name!, t.dataType ?? 0);

  // Pass 2: rewrite node by node, inserting Casts where a value's type differs from what the node runs in.
  const out: Node[] = [];
  const casts = new Map<string, string>();
  const castTo = (x: string, to: number): string => {
    const key = `${x}|${to}`;
    let name = casts.get(key);
    if (!name) {
      name = fresh(`${x}__to_${to === DT.float16 ? 'fp16' : 'fp32'}`);
      out.push({ name: fresh(`cast_${name}`), opType: 'Cast', input: [x], output: [name], attribute: [castAttr(to)] });
      type.set(name, to);
      casts.set(key, name);
    }
    return name;
  };
  for (const n of g.node ?? []) {
    const op = n.opType ?? '';
    if ((n.domain ?? '') !== '' && !CONTRIB.has(op)) throw new ConvertError(`${source}: fp16 conversion does not know the ${n.domain} op ${op}`);
    const want = fp32Node(n) ? DT.float : DT.float16;
    n.input = (n.input ?? []).map((x) => (x && isFloat(type.get(x)) && type.get(x) !== want ? castTo(x, want) : x));
    let outType: number;
    if (op === 'Cast') {
      const to = num(getAttr(n, 'to')?.i);
      outType = isFloat(to) ? want : to;
      n.attribute = [castAttr(outType)];
    } else if (op === 'Constant') {
      const t = getAttr(n, 'value')?.t;
      if (!t) throw new ConvertError(`${source}: Constant ${n.name} without a tensor "value" is not supported`);
      if (t.dataType === DT.float && want === DT.float16) getAttr(n, 'value')!.t = makeTensor(t.name ?? '', (t.dims ?? []).map(num), DT.float16, toFloat16Bits(floatData(t)));
      outType = getAttr(n, 'value')!.t!.dataType ?? 0;
    } else if (op === 'ConstantOfShape') outType = getAttr(n, 'value')?.t?.dataType ?? DT.float;
    else if (INT64_OUT.has(op)) outType = DT.int64;
    else if (BOOL_OUT.has(op)) outType = DT.bool;
    else if (op === 'DequantizeLinear') outType = type.get(n.input[1]) ?? 0; // the scale's type
    else if (op === 'Where') outType = type.get(n.input[1]) ?? 0;
    else if (SAME_AS_INPUT0.has(op) || CONTRIB.has(op)) outType = type.get(n.input[0]) ?? 0;
    else throw new ConvertError(`${source}: fp16 conversion does not know the op ${op} (node ${n.name})`);
    for (const o of n.output ?? []) if (o) type.set(o, outType);
    out.push(n);
  }

  // Graph outputs keep their float32 type: the producer writes name__fp16, a Cast writes the name.
  for (const o of g.output ?? []) {
    if (type.get(o.name!) !== DT.float16) continue;
    const inner = fresh(`${o.name}__fp16`);
    for (const n of out) {
      n.output = (n.output ?? []).map((x) => (x === o.name ? inner : x));
      n.input = (n.input ?? []).map((x) => (x === o.name ? inner : x));
    }
    out.push({ name: fresh(`cast_${o.name}`), opType: 'Cast', input: [inner], output: [o.name!], attribute: [castAttr(DT.float)] });
  }
  g.node = out;
  for (const v of g.valueInfo ?? []) {
    const tt = v.type?.tensorType;
    if (tt && isFloat(tt.elemType ?? 0) && type.has(v.name!)) tt.elemType = type.get(v.name!)!;
  }
  markVariant(model, 'fp16');
  return model;
}

function castAttr(to: number) {
  return { name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to };
}
