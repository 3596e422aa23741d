// Before rewriting: the input must be a float32 VP-Score graph (the contract in DESIGN.md) that has
// not been converted already. Anything else is refused with a ConvertError saying what was found.
import { ConvertError } from '../errors.ts';
import { DT, MS_DOMAIN, num, type Model } from '../runtime/onnx-io.ts';

const NAMES: Record<number, string> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16' };
const typeName = (t: number | null | undefined) => NAMES[t ?? 0] ?? `type ${t}`;

const EXPECTED_INPUTS: { name: string; elem: number; dims: (number | null)[] }[] = [
  { name: 'pixel_values', elem: DT.float, dims: [null, 3, 224, 224] },
  { name: 'input_ids', elem: DT.int64, dims: [null, 35] },
  { name: 'attention_mask', elem: DT.int64, dims: [null, 35] },
];
const QUANT_OPS = new Set(['DynamicQuantizeLinear', 'MatMulInteger', 'DequantizeLinear', 'QuantizeLinear', 'MatMulNBits', 'ConvInteger']);

export function assertFloat32VpScore(model: Model, source = 'model'): void {
  const fail = (what: string): never => {
    throw new ConvertError(`${source} is not a float32 VP-Score graph, so it cannot be converted: ${what}`);
  };
  const g = model.graph;
  if (!g) fail('it has no graph');
  const inits = new Set((g!.initializer ?? []).map((t) => t.name));
  const inputs = (g!.input ?? []).filter((v) => !inits.has(v.name));
  for (const exp of EXPECTED_INPUTS) {
    const v = inputs.find((i) => i.name === exp.name);
    if (!v) fail(`input "${exp.name}" is missing (found: ${inputs.map((i) => i.name).join(', ')})`);
    const tt = v!.type?.tensorType;
    if (tt?.elemType !== exp.elem) fail(`input "${exp.name}" is ${typeName(tt?.elemType)}, expected ${typeName(exp.elem)}`);
    const dims = tt?.shape?.dim ?? [];
    if (dims.length !== exp.dims.length) fail(`input "${exp.name}" has rank ${dims.length}, expected ${exp.dims.length}`);
    exp.dims.forEach((d, i) => {
      const found = dims[i]?.dimValue;
      if (d !== null && !dims[i]?.dimParam && found != null && num(found) !== d) fail(`input "${exp.name}" dim ${i} is ${num(found)}, expected ${d}`);
    });
  }
  if (inputs.length !== EXPECTED_INPUTS.length) fail(`it has ${inputs.length} inputs, expected 3`);
  const out = (g!.output ?? []).find((o) => o.name === 'reward');
  if (!out || (g!.output ?? []).length !== 1) fail(`expected one output "reward", found ${(g!.output ?? []).map((o) => o.name).join(', ')}`);
  if (out!.type?.tensorType?.elemType !== DT.float) fail(`output "reward" is ${typeName(out!.type?.tensorType?.elemType)}, expected float32`);

  for (const t of g!.initializer ?? []) {
    if (t.dataLocation === 1) fail(`initializer ${t.name} uses external data (not supported here)`);
    if (t.dataType === DT.float16) fail(`initializer ${t.name} is already float16 (already converted?)`);
    if (t.dataType === DT.int8 || t.dataType === DT.uint8) fail(`initializer ${t.name} is ${typeName(t.dataType)} (already quantized?)`);
  }
  for (const n of g!.node ?? []) {
    if ((n.domain ?? '') === MS_DOMAIN) fail(`node ${n.name} is the contrib op ${n.opType} (already converted?)`);
    if (QUANT_OPS.has(n.opType ?? '')) fail(`node ${n.name} is ${n.opType} (already quantized?)`);
    const to = (n.attribute ?? []).find((a) => a.name === 'to');
    if (n.opType === 'Cast' && to && num(to.i) === DT.float16) fail(`node ${n.name} casts to float16 (already converted?)`);
  }
}
