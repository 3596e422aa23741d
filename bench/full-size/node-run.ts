// One full-size measurement in its own Node process (so peak RSS belongs to it alone):
//   node --import tsx bench/full-size/node-run.ts <native|ort-web> <model dir> <threads> <batch,...>
// Prints JSON: load time, ms/image per batch size, peak RSS. "native" is onnxruntime-node (the
// CPU EP, the reference); "ort-web" is PrefLens's own engine on onnxruntime-web's WASM build.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/lib/engine/engine.ts';
import { IMAGE_TENSOR_SIZE } from '../../src/lib/engine/image/preprocess.ts';
import { dirReader } from '../../src/cli/dir-reader.ts';

const [runtime, dir, threadsArg, batchesArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const batches = batchesArg.split(',').map(Number);
const REPS = Number(process.env.FULL_REPS ?? 2);

function syntheticImages(n: number) {
  // In-memory RGB images: no decode in the timing, only what differs between runtimes.
  return Array.from({ length: n }, (_, k) => {
    const data = new Uint8Array(224 * 224 * 3).map((_, i) => (i * (k + 7) + (i >> 7)) & 255);
    return { width: 224, height: 224, data };
  });
}

async function viaOrtWeb() {
  const engine = new Engine();
  await engine.init({ backend: 'wasm', numThreads: threads });
  const t0 = performance.now();
  await engine.loadScorer({ kind: 'reader', origin: dir, read: dirReader(dir) });
  const loadMs = performance.now() - t0;
  const png = syntheticImages(1)[0];
  const { encodePng } = await import('../../src/lib/engine/image/png-encode.ts');
  const bytes = encodePng(png);
  const input = (i: number) => ({ name: `${i}.png`, size: bytes.length, arrayBuffer: async () => bytes.slice().buffer as ArrayBuffer });
  const perBatch: Record<number, number> = {};
  for (const b of batches) {
    const images = Array.from({ length: b }, (_, i) => input(i));
    await engine.score({ prompt: 'a photo of a cat', images, batchSize: b }); // warm-up
    let runMs = 0;
    for (let r = 0; r < REPS; r++) runMs += (await engine.score({ prompt: 'a photo of a cat', images, batchSize: b })).timings.runMs;
    perBatch[b] = runMs / (REPS * b);
  }
  return { loadMs, perBatch };
}

async function viaNative() {
  const ort = await import('onnxruntime-node');
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(readFileSync(join(dir, 'model.onnx')), {
    intraOpNumThreads: threads,
    graphOptimizationLevel: 'all',
  });
  const loadMs = performance.now() - t0;
  const perBatch: Record<number, number> = {};
  for (const b of batches) {
    const feeds = {
      pixel_values: new ort.Tensor('float32', new Float32Array(b * IMAGE_TENSOR_SIZE).fill(0.1), [b, 3, 224, 224]),
      input_ids: new ort.Tensor('int64', new BigInt64Array(b * 35).fill(101n), [b, 35]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(b * 35).fill(1n), [b, 35]),
    };
    await session.run(feeds);
    const t = performance.now();
    for (let r = 0; r < REPS; r++) await session.run(feeds);
    perBatch[b] = (performance.now() - t) / (REPS * b);
  }
  return { loadMs, perBatch };
}

const r = runtime === 'native' ? await viaNative() : await viaOrtWeb();
console.log(JSON.stringify({ runtime, threads, ...r, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
process.exit(0);
