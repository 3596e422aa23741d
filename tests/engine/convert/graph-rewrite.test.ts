// The rewrites themselves, on the built tiny graph and on hand-made graphs: what fp16 keeps in
// float32, that integer tensors are untouched, the q8 op pattern, and MatMulNBits' byte layout as
// onnxruntime-web's WASM kernel reads it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { DT as BDT, GraphBuilder, attrI } from '../../../src/lib/engine/convert/graph-builder.ts';
import { decodeModel, DT, encodeModel, makeTensor, MS_DOMAIN, num, type Model } from '../../../src/lib/engine/runtime/onnx-io.ts';
import { convertModel } from '../../../src/lib/engine/convert/convert-model.ts';
import { packQ4 } from '../../../src/lib/engine/convert/quantize-q4.ts';
import { quantizeQ8 } from '../../../src/lib/engine/convert/quantize-q8.ts';
import { convertToFp16, rewriteToFp16 } from '../../../src/lib/engine/convert/to-fp16.ts';
import { MODEL_DIRS } from '../../../models/dirs.ts';

const tiny = () => decodeModel(readFileSync(join(MODEL_DIRS.tiny, 'model.onnx')));
const ops = (m: Model) => (m.graph!.node ?? []).map((n) => n.opType!);
const producerOf = (m: Model, x: string) => m.graph!.node!.find((n) => n.output!.includes(x));
const castTo = (m: Model, x: string) => num(producerOf(m, x)?.attribute?.find((a) => a.name === 'to')?.i);

describe('fp16', () => {
  it('halves float weights, keeps integer tensors and float32 I/O, runs LayerNorm/Softmax/Erf in float32', () => {
    const src = tiny();
    const ints = src.graph!.initializer!.filter((t) => t.dataType === DT.int64).map((t) => [t.name, Buffer.from(t.rawData!).toString('hex')]);
    const m = convertToFp16(tiny());
    const g = m.graph!;
    expect(g.initializer!.filter((t) => t.dataType === DT.int64).map((t) => [t.name, Buffer.from(t.rawData!).toString('hex')])).toEqual(ints);
    expect(g.initializer!.find((t) => t.name === 'text.word_emb')!.dataType).toBe(DT.float16);
    expect(g.initializer!.find((t) => t.name === 'vision.block0.ln1.gamma')!.dataType).toBe(DT.float); // read only by LayerNorm
    expect(g.input!.map((v) => v.type!.tensorType!.elemType)).toEqual([DT.float, DT.int64, DT.int64]);
    expect(g.output![0].type!.tensorType!.elemType).toBe(DT.float);
    expect(castTo(m, 'reward')).toBe(DT.float);
    for (const n of g.node!.filter((x) => ['LayerNormalization', 'Softmax', 'Erf'].includes(x.opType!))) {
      expect(castTo(m, n.input![0]), `${n.name} input`).toBe(DT.float);
    }
    const mm = g.node!.find((n) => n.opType === 'MatMul')!;
    expect(castTo(m, mm.input![0])).toBe(DT.float16);
  });

  it('keeps a ReduceMean/Pow/Sqrt LayerNorm in float32 and a weight beyond ±65504 out of fp16', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', BDT.float, [2, 8]);
    const mean = b.op('ReduceMean', [x], { axes: { ints: [-1] }, keepdims: attrI(1) });
    const d = b.op('Sub', [x, mean]);
    const v = b.op('ReduceMean', [b.op('Pow', [d, b.scalarF(2)])], { axes: { ints: [-1] }, keepdims: attrI(1) });
    const ln = b.op('Div', [d, b.op('Sqrt', [b.op('Add', [v, b.scalarF(1e-12)])])]);
    const big = b.op('Mul', [ln, b.constF('big', [8], Array.from({ length: 8 }, (_, i) => (i === 3 ? 1e5 : 1)))]);
    b.op('Identity', [b.op('Mul', [big, b.scalarF(1e-5)])], {}, 'y');
    b.output('y', BDT.float, [2, 8]);
    const m = rewriteToFp16(decodeModel(b.encode('ln', '')));
    const g = m.graph!;
    // Everything up to the Mul by the out-of-range weight runs in float32: the only cast to fp16 is
    // of that Mul's output, for the last Mul.
    const toFp16 = g.node!.filter((n) => n.opType === 'Cast' && castTo(m, n.output![0]) === DT.float16);
    expect(toFp16.map((n) => n.input![0])).toEqual([big]);
    expect(g.initializer!.find((t) => t.name === 'big')!.dataType).toBe(DT.float);
    const s = await ort.InferenceSession.create(encodeModel(m), { executionProviders: ['wasm'] });
    const xs = Float32Array.from({ length: 16 }, (_, i) => i * i);
    const y = (await s.run({ x: new ort.Tensor('float32', xs, [2, 8]) })).y.data as Float32Array;
    expect(Number.isFinite(y[3])).toBe(true);
    expect(Math.abs(y[3])).toBeGreaterThan(0.1);
  });
});

describe('q8', () => {
  it('writes DynamicQuantizeLinear → MatMulInteger → Cast → Mul for the big MatMuls only', () => {
    const m = quantizeQ8(tiny());
    const o = ops(m);
    const matmuls = o.filter((x) => x === 'MatMulInteger').length;
    expect(matmuls).toBeGreaterThan(20);
    expect(o.filter((x) => x === 'DynamicQuantizeLinear').length).toBe(matmuls);
    // head.2 (16×8) and the attention's activation×activation MatMuls stay float.
    expect(o.filter((x) => x === 'MatMul').length).toBeGreaterThan(0);
    const w = m.graph!.initializer!.find((t) => t.name === 'vision.block0.mlp.fc1.weight_uint8')!;
    expect(w.dataType).toBe(DT.uint8); // u8·u8: no saturation on AVX2 CPUs without VNNI
    const mmi = m.graph!.node!.find((n) => n.opType === 'MatMulInteger' && n.input![1] === w.name)!;
    const zp = m.graph!.initializer!.find((t) => t.name === mmi.input![3])!;
    expect(Array.from(zp.rawData!)).toEqual([128]);
    expect(m.graph!.initializer!.some((t) => t.name === 'vision.block0.mlp.fc1.weight')).toBe(false);
  });
});

describe('q4f16', () => {
  it('feeds MatMulNBits fp16 activations and fp16 scales, keeps float32 I/O', () => {
    const m = decodeModel(convertModel(readFileSync(join(MODEL_DIRS.tiny, 'model.onnx')), 'q4f16'));
    const g = m.graph!;
    const nbits = g.node!.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits.length).toBeGreaterThan(20);
    const inits = new Map(g.initializer!.map((t) => [t.name!, t]));
    for (const n of nbits) {
      expect(inits.get(n.input![2])!.dataType).toBe(DT.float16);
      expect(inits.get(n.input![1])!.dataType).toBe(DT.uint8);
    }
    expect(m.opsetImport!.some((o) => o.domain === MS_DOMAIN)).toBe(true);
    expect(g.output![0].type!.tensorType!.elemType).toBe(DT.float);
    expect(castTo(m, 'reward')).toBe(DT.float);
  });
});

describe('q4 MatMulNBits layout', () => {
  it('packs B [N, kBlocks, 16] with the even k in the low nibble, stored q+8, padding 8', () => {
    // One column, K = 4: q = (−8, 7, 0, 4) at scale 0.5 is exact, so the least-squares scale is 0.5.
    const { b, scales, kBlocks } = packQ4(Float32Array.from([-4, 3.5, 0, 2]), 4, 1);
    expect(kBlocks).toBe(1);
    expect(Array.from(scales)).toEqual([0.5]);
    expect(b.length).toBe(16);
    expect(Array.from(b.slice(0, 3))).toEqual([0x00 | (15 << 4), 8 | (12 << 4), 0x88]);
    expect(b.slice(2).every((x) => x === 0x88)).toBe(true);
  });

  it("onnxruntime-web's WASM MatMulNBits reads that layout (K = 48, not a multiple of 32)", async () => {
    const [K, N, M] = [48, 40, 3];
    const w = Float32Array.from({ length: K * N }, (_, i) => Math.sin(i * 1.7));
    const { b, scales, kBlocks } = packQ4(w, K, N);
    const vi = (name: string, dims: number[]) => ({ name, type: { tensorType: { elemType: DT.float, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });
    const INT = 2;
    const model = encodeModel({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }, { domain: MS_DOMAIN, version: 1 }],
      graph: {
        name: 'nbits',
        node: [{ opType: 'MatMulNBits', domain: MS_DOMAIN, input: ['A', 'B', 'S'], output: ['Y'], attribute: [
          { name: 'K', type: INT, i: K }, { name: 'N', type: INT, i: N }, { name: 'bits', type: INT, i: 4 }, { name: 'block_size', type: INT, i: 32 }] }],
        initializer: [makeTensor('B', [N, kBlocks, 16], DT.uint8, b), makeTensor('S', [N * kBlocks], DT.float, scales)],
        input: [vi('A', [M, K])],
        output: [vi('Y', [M, N])],
      },
    });
    const s = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const a = Float32Array.from({ length: M * K }, (_, i) => Math.cos(i * 0.3));
    const y = (await s.run({ A: new ort.Tensor('float32', a, [M, K]) })).Y.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < M; i++) {
      for (let n = 0; n < N; n++) {
        let ref = 0;
        for (let k = 0; k < K; k++) {
          const kb = Math.floor(k / 32);
          const byte = b[(n * kBlocks + kb) * 16 + ((k % 32) >> 1)];
          ref += a[i * K + k] * (((k % 2 ? byte >> 4 : byte & 15) - 8) * scales[n * kBlocks + kb]);
        }
        worst = Math.max(worst, Math.abs(ref - y[i * N + n]));
      }
    }
    expect(worst).toBeLessThan(1e-4);
  });
});
