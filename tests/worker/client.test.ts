// The worker client over fake engines on message ports (comlink as in the app): errors cross with
// their class and data, and a GPU device lost mid-call is recovered once, the same way for scoring
// and generating — a fresh WASM worker, the same models reloaded, only the unfinished work redone;
// a model load that goes quiet is abandoned with its worker and tried once more in a fresh one.
import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  Candidate, EngineInfo, GenerateEvent, ImageInput, GenerateRequest, ModelSource, ScoredImage, ScoreEvent, ScoreReport, ScoreRequest,
} from '../../src/lib/engine/engine-api.ts';
import { DeviceLostError, EngineRestartedError, LoadTimeoutError, RequestError } from '../../src/lib/engine/errors.ts';
import type { LoadProgress } from '../../src/lib/engine/model-files/load-progress.ts';
import { rankScores } from '../../src/lib/engine/score/rank.ts';
import { EngineClient, RETRY_INIT, type WorkerHandle } from '../../src/lib/worker/client.ts';
import { installErrorTransfer } from '../../src/lib/worker/error-transfer.ts';

const SOURCE: ModelSource = { kind: 'url', baseUrl: 'tiny' };
const HANGS: ModelSource = { kind: 'url', baseUrl: 'hangs' };
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
  /** `hangs.left`: how many more loads of a source named 'hangs' stop for good after reading its data. */
  constructor(readonly lostAfter: number, readonly hangs = { left: 0 }) {}

  async init(opts: { backend?: string; externalData?: string }): Promise<Partial<EngineInfo>> {
    this.backend = opts.backend ?? 'auto';
    this.calls.push(`init ${this.backend}${opts.externalData ? ` ${opts.externalData}` : ''}`);
    return { ep: this.backend === 'wasm' ? 'wasm' : 'webgpu' };
  }
  async loadScorer(s: ModelSource, _o: unknown, onProgress?: (p: LoadProgress) => void) { return this.#load('loadScorer', s, onProgress); }
  async loadGenerator(s: ModelSource, _o: unknown, onProgress?: (p: LoadProgress) => void) { return this.#load('loadGenerator', s, onProgress); }
  async #load(what: string, s: ModelSource, onProgress?: (p: LoadProgress) => void) {
    const name = s.kind === 'url' ? s.baseUrl : s.kind;
    this.calls.push(`${what} ${name}`);
    onProgress?.({ step: 'prepare', file: `${name}/model.onnx_data`, bytes: 1000 });
    if (name === 'hangs' && this.hangs.left-- > 0) return new Promise(() => undefined);
    return {};
  }
  /** A download that is still running when its worker is abandoned. */
  downloadFamily() { return new Promise(() => undefined); }
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

/**
 * A client whose workers are fake engines; `engines` lists them in the order they were spawned. Its
 * load bound is 50 ms (a quiet fake load never ends; a live one answers within a few ms).
 */
function fakeClient(lostAfter: number, hangs = { left: 0 }) {
  installErrorTransfer();
  const engines: FakeEngine[] = [];
  const spawn = (): WorkerHandle => {
    const { port1, port2 } = new MessageChannel();
    open.push(port1, port2);
    const engine = new FakeEngine(lostAfter, hangs);
    engines.push(engine);
    Comlink.expose(engine, port1);
    return { endpoint: port2, terminate: () => port1.close() };
  };
  return { client: new EngineClient(spawn, () => 50), engines };
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
    expect(engines[0].calls).toEqual(['init webgpu', 'loadScorer tiny', 'score 5 known -']);
    expect(engines[1].calls).toEqual(['init wasm', 'loadScorer tiny', 'score 5 known 0,1']);
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

    expect(engines[0].calls).toEqual(['init auto', 'loadScorer tiny', 'loadGenerator tiny', 'generate from 0']);
    expect(engines[1].calls).toEqual(['init wasm', 'loadScorer tiny', 'loadGenerator tiny', 'generate from 3']);
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

  it('a load that goes quiet past its bound is abandoned with its worker and succeeds in a fresh one, set up as before (safer), with the models loaded before', async () => {
    const { client, engines } = fakeClient(99, { left: 1 });
    await client.init({ backend: 'wasm' });
    await client.loadGenerator(SOURCE);
    const download = client.downloadFamily('https://models.example/sd/preflens.json').catch((x) => x);
    const progress: LoadProgress[] = [];
    await client.loadScorer(HANGS, {}, (p) => progress.push(p));

    expect(engines).toHaveLength(2);
    expect(engines[0].calls).toEqual(['init wasm', 'loadGenerator tiny', 'loadScorer hangs']);
    expect(engines[1].calls).toEqual([`init wasm ${RETRY_INIT.externalData}`, 'loadGenerator tiny', 'loadScorer hangs']);
    // Progress crosses on its own port: the last event may come after the result.
    await expect.poll(() => progress.map((p) => p.step)).toEqual(['prepare', 'retry', 'prepare']);
    expect(progress[1].file).toBe('hangs/model.onnx_data');
    // The abandoned worker's download ends instead of waiting forever.
    expect(await download).toBeInstanceOf(EngineRestartedError);
    // The safer setup stays for the page's life: a later device loss replays it too.
    await client.loadScorer(SOURCE);
    expect(engines).toHaveLength(2);
    client.terminate();
  });

  it('a load that goes quiet twice fails with LoadTimeoutError naming the step; the engine keeps the models it had and goes on', async () => {
    const { client, engines } = fakeClient(99, { left: 2 });
    await client.init({ backend: 'wasm' });
    await client.loadScorer(SOURCE);
    const e = await client.loadScorer(HANGS).catch((x) => x);

    expect(e).toBeInstanceOf(LoadTimeoutError);
    expect([e.file, e.boundMs]).toEqual(['hangs/model.onnx_data', 50]);
    expect(e.message).toMatch(/stopped after model\.onnx_data: nothing happened for 0 s/);
    expect(engines).toHaveLength(3);
    expect(engines[2].calls).toEqual([`init wasm ${RETRY_INIT.externalData}`, 'loadScorer tiny']);
    const report = await client.score({ prompt: 'p', images: [image('a.png')] });
    expect(report.results.map((r) => r.name)).toEqual(['a.png']);
    expect(engines[2].calls.at(-1)).toBe('score 1 known -');
    client.terminate();
  });
});
