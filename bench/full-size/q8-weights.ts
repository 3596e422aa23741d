// `npm run bench:q8-weights`: the full-size q8 VP-Score with its MatMulInteger weights as uint8
// (zero point 128, what convert/quantize-q8.ts writes) against the same values as int8 (what it
// wrote before), per-image ms on ort-web WASM and onnxruntime-node, two repetitions interleaved.
// int8 weights made native onnxruntime wrong on x86 CPUs with AVX2 but no VNNI; this shows what
// uint8 costs in speed. Prints one JSON line per run.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeModel, encodeModel, DT } from '../../src/lib/engine/runtime/onnx-io.ts';
import { ensureFullModel, FULL_DIR } from './vp-full.ts';
import { ensureVariant, nodeRun } from './run-full.ts';

ensureFullModel();
const u8 = ensureVariant('q8');
const s8 = resolve(FULL_DIR, '..', 'vp-full-q8s8');
if (!existsSync(join(s8, 'preflens.json'))) {
  const m = decodeModel(new Uint8Array(readFileSync(join(u8, 'model.onnx'))));
  const g = m.graph!;
  const inits = new Map(g.initializer!.map((t) => [t.name!, t]));
  let n = 0;
  for (const node of g.node!) {
    if (node.opType !== 'MatMulInteger' || node.input!.length !== 4) continue;
    const w = inits.get(node.input![1])!;
    const raw = w.rawData!;
    const q = new Int8Array(raw.byteLength);
    for (let i = 0; i < raw.byteLength; i++) q[i] = raw[i] - 128;
    w.rawData = new Uint8Array(q.buffer);
    w.dataType = DT.int8;
    node.input = node.input!.slice(0, 3);
    n++;
  }
  const used = new Set(g.node!.flatMap((x) => x.input ?? []));
  g.initializer = g.initializer!.filter((t) => used.has(t.name!));
  mkdirSync(s8, { recursive: true });
  const bytes = encodeModel(m);
  writeFileSync(join(s8, 'model.onnx'), bytes);
  copyFileSync(join(u8, 'tokenizer.json'), join(s8, 'tokenizer.json'));
  const man = JSON.parse(readFileSync(join(u8, 'preflens.json'), 'utf8'));
  man.id += '-s8';
  man.sizes.modelBytes = bytes.byteLength;
  delete man.sha256;
  writeFileSync(join(s8, 'preflens.json'), JSON.stringify(man));
  console.log(`int8 copy: ${n} MatMulInteger weights`);
}
for (const rep of [1, 2]) {
  for (const [label, dir] of [['uint8', u8], ['int8', s8]] as const) {
    for (const rt of ['ort-web', 'native'] as const) {
      const r = nodeRun(rt, dir, 2);
      console.log(JSON.stringify({ rep, weights: label, runtime: rt, loadMs: r.loadMs, msPerImage: r.perBatch, error: r.error }));
    }
  }
}
