// The worker client over fake engines on message ports (comlink as in the app): errors cross with
// their class and data, and a GPU device lost mid-call is recovered once, the same way for scoring
// and generating — a fresh WASM worker, the same models reloaded, only the unfinished work redone.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  Candidate, EngineInfo, GenerateEvent, ImageInput, GenerateRequest, ModelSource, ScoredImage, ScoreEvent, ScoreReport, ScoreRequest,
} from '../../src/lib/engine/engine-api.ts';
import { DeviceLostError, RequestError } from '../../src/lib/engine/errors.ts';
import { rankScores } from '../../src/lib/engine/score/rank.ts';
import { EngineClient, type WorkerHandle } from '../../src/lib/worker/client.ts';
import { installErrorTransfer } from '../../src/lib/worker/error-transfer.ts';

const SOURCE: ModelSource = { kind: 'url', baseUrl: '/models/vp-tiny' };
const scoreOf = (name: string) => name.length + name.charCodeAt(0) / 100;
const timings = { readMs: 0, decodeMs: 0, preprocessMs: 0, tokenizeMs: 0, runMs: 0, totalMs: 0 };
// In the app the images are Files, which cross to the worker; Node cannot clone a File with its
// name, and the fake engines never read bytes, so the images here are their name and size only.
const image = (name: string) => ({ name, size: 1 }) as unknown as ImageInput;
const candidate = (index: number): Candidate => ({
  index, seed: 100 + index, noiseHash: `h${index}`, steps: 1, width: 8, height: 8, png: new Uint8Array([index]),
  score: index, reward: index, timings: { unetMs: [], vaeMs: 0, scoreMs: 0, pngMs: 0 },
});

/** Stands in for the worker's Engine. On 'webgpu' its device is lost after `lostAfter` items. */
class FakeEngine {
  backend = '';
  calls: string[] = [];
  constructor(readonly lostAfter: number) {}

  async init(opts: { backend?: string }): Promise<Partial<EngineInfo>> {
    this.backend = opts.backend ?? 'auto';
    this.calls.push(`init ${this.backend}`);
    return { ep: this.backend === 'wasm' ? 'wasm' : 'webgpu' };
  }
  async loadScorer(s: ModelSource) { this.calls.push(`loadScorer ${s.kind}`); return {}; }
  async loadGenerator(s: ModelSource) { this.calls.push(`loadGenerator ${s.kind}`); return {}; }
  #gpuGone = () => this.backend !== 'wasm';

  async score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    if (req.batchSize === -1) throw new RequestError('batch must be positive');
    this.calls.push(`score ${req.images.length} known ${req.scored?.map((r) => r.index).join(',') ?? '-'}`);
    const known = new Map((req.scored ?? []).map((r) => [r.index, r]));
    const finished: ScoredImage[] = [];
    for (const [index, img] of req.images.entries()) {
      if (known.has(index)) continue;
      if (this.#gpuGone() && finished.length === this.lostAfter) {
        throw new DeviceLostError('test reset', req.images.map((_, i) => i).filter((i) => i >= index), finished);
      }
      const item = { index, name: img.name, score: scoreOf(img.name), reward: 0 };
      finished.push(item);
      onEvent?.({ kind: 'result', item, done: known.size + finished.length, total: req.images.length });
    }
    const results = req.images.map((_, i) => known.get(i) ?? finished.find((r) => r.index === i)!);
    const ranks = rankScores(results.map((r) => ({ score: r.score! })));
    return { prompt: { pieceCount: 1, maxPieces: 33, truncated: false, keptPieces: [] }, results, ranks, cancelled: false, timings };
  }

  async generate(req: GenerateRequest, onEvent?: (e: GenerateEvent) => void) {
    this.calls.push(`generate from ${req.from ?? 0}`);
    const candidates: Candidate[] = [];
    for (let i = req.from ?? 0; i < req.n; i++) {
      if (this.#gpuGone() && candidates.length === this.lostAfter) {
        throw new DeviceLostError('test reset', Array.from({ length: req.n - i }, (_, k) => i + k), candidates);
      }
      candidates.push(candidate(i));
      onEvent?.({ kind: 'candidate', candidate: candidate(i) });
    }
    return { candidates, cancelled: false };
  }
}

const open: MessagePort[] = [];
afterEach(() => open.splice(0).forEach((p) => p.close()));

/** A client whose workers are fake engines; `engines` lists them in the order they were spawned. */
function fakeClient(lostAfter: number) {
  installErrorTransfer();
  const engines: FakeEngine[] = [];
  const spawn = (): WorkerHandle => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const engine = new FakeEngine(lostAfter);
    engines.push(engine);
    Comlink.expose(engine, port1);
    return { endpoint: port2, terminate: () => port1.close() };
  };
  return { client: new EngineClient(spawn), engines };
}

describe('EngineClient', () => {
  it('rebuilds engine errors with their class', async () => {
    const { client } = fakeClient(99);
    await client.init({ backend: 'wasm' });
    const e = await client.score({ prompt: 'p', images: [image('a.png')], batchSize: -1 }).catch((x) => x);
    expect(e).toBeInstanceOf(RequestError);
    expect(e.message).toBe('batch must be positive');
    expect(e.hint).toBe(RequestError.hint);
  });

  it('scoring: after a device loss, only the images without a result are scored on a WASM worker', async () => {
    const { client, engines } = fakeClient(2);
    await client.init({ backend: 'webgpu' });
    await client.loadScorer(SOURCE);
    const names = ['a.png', 'bb.png', 'ccc.png', 'dddd.png', 'e.png'];
    const events: ScoreEvent[] = [];
    const report = await client.score({ prompt: 'p', images: names.map(image) }, (e) => events.push(e));

    expect(engines).toHaveLength(2);
    expect(engines[0].calls).toEqual(['init webgpu', 'loadScorer url', 'score 5 known -']);
    expect(engines[1].calls).toEqual(['init wasm', 'loadScorer url', 'score 5 known 0,1']);
    expect(report.results.map((r) => [r.index, r.name, r.score])).toEqual(names.map((n, i) => [i, n, scoreOf(n)]));
    expect(report.ranks).toEqual(rankScores(names.map((n) => ({ score: scoreOf(n) }))));
    const moved = events.find((e) => e.kind === 'backend');
    expect(moved).toEqual({ kind: 'backend', label: 'WASM (GPU device lost)', reason: 'GPU device lost (test reset): continuing on WASM' });
    await expect.poll(() => events.filter((e) => e.kind === 'result').map((e) => e.kind === 'result' && e.item.index).sort())
      .toEqual([0, 1, 2, 3, 4]);
    client.terminate();
  });

  it('generating: after a device loss, the run goes on on WASM from the first candidate not made', async () => {
    const { client, engines } = fakeClient(3);
    await client.init({ backend: 'auto' });
    await client.loadScorer(SOURCE);
    await client.loadGenerator(SOURCE);
    const events: GenerateEvent[] = [];
    const report = await client.generate({ prompt: 'p', n: 6, seed: 100, steps: 1 }, (e) => events.push(e));

    expect(engines[0].calls).toEqual(['init auto', 'loadScorer url', 'loadGenerator url', 'generate from 0']);
    expect(engines[1].calls).toEqual(['init wasm', 'loadScorer url', 'loadGenerator url', 'generate from 3']);
    expect(report.candidates.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(report.cancelled).toBe(false);
    expect(events.some((e) => e.kind === 'backend' && e.reason.includes('test reset'))).toBe(true);
    client.terminate();
  });

  it('on WASM already, a device loss is not "recovered": the error reaches the caller with its data', async () => {
    const { client, engines } = fakeClient(1);
    await client.init({ backend: 'wasm' });
    // The fake loses its device on anything but 'wasm'; force the loss by lying about the backend.
    engines[0].backend = 'webgpu';
    const e = await client.generate({ prompt: 'p', n: 4, seed: 1, steps: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(DeviceLostError);
    expect([e.reason, e.unfinished, e.finished.map((c: Candidate) => c.index)]).toEqual(['test reset', [1, 2, 3], [0]]);
    expect(engines).toHaveLength(1);
    client.terminate();
  });
});
