// The UI's handle on the worker: a typed async API over comlink. Callbacks cross as
// comlink proxies; errors are rebuilt into the engine's classes (comlink keeps only name/message).
//
// A lost GPU device leaves the worker's onnxruntime instance unusable (a run on a destroyed device
// never settles and blocks every later run), so recovery happens here: a new worker on WASM, the
// same models loaded again, and a generate run resumed at the first candidate not yet made.
import * as Comlink from 'comlink';
import type {
  DownloadProgress, Engine, EngineInfo, FamilyStatus, GenerateReport, InitOptions, LoadedGenerator, LoadedModel, ModelSource,
  ScoreRequest, StorageInfo,
} from '../engine/engine.ts';
import type { PromptInfo, ScoredImage, ScoreEvent, ScoreReport } from '../engine/score/vp-scorer.ts';
import { rankScores } from '../engine/score/rank.ts';
import type { Candidate, GenerateEvent, PromptTokens } from '../engine/generate/candidate-run.ts';
import type { GenerateRequest } from '../engine/generate/generate-request.ts';
import type { DtypeVariant } from '../engine/families/diffusion-manifest.ts';
import { DeviceLostError, rebuildError } from '../engine/errors.ts';

export type { EngineInfo, LoadedModel, ScoreEvent, ScoreReport, PromptInfo };
export type { Candidate, GenerateEvent, GenerateRequest, GenerateReport, LoadedGenerator, PromptTokens, DtypeVariant };
export type { DownloadProgress, FamilyStatus, StorageInfo, ModelSource };

type Remote = Comlink.Remote<Engine>;
type UiSource = Exclude<ModelSource, { kind: 'reader' }>;


const spawn = () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'preflens-engine' });

export class EngineClient {
  #worker: Worker;
  #remote: Remote;
  /** What this worker was asked to set up, replayed on a fresh WASM worker after a device loss. */
  #setup: { init?: Omit<InitOptions, 'gpu'>; scorer?: UiSource; generator?: [UiSource, { variant?: DtypeVariant }] } = {};

  constructor() {
    this.#worker = spawn();
    this.#remote = Comlink.wrap<Engine>(this.#worker);
  }

  async init(opts: Omit<InitOptions, 'gpu'> = {}): Promise<EngineInfo> {
    const info = await call(() => this.#remote.init(opts));
    this.#setup = { init: opts };
    return info;
  }

  async loadScorer(source: UiSource): Promise<LoadedModel> {
    const loaded = await call(() => this.#remote.loadScorer(source));
    this.#setup.scorer = source;
    return loaded;
  }

  async loadGenerator(source: UiSource, opts: { variant?: DtypeVariant } = {}): Promise<LoadedGenerator> {
    const loaded = await call(() => this.#remote.loadGenerator(source, opts));
    this.#setup.generator = [source, opts];
    return loaded;
  }

  inspectFamily(manifestUrl: string, opts: { variant?: string } = {}): Promise<FamilyStatus> {
    return call(() => this.#remote.inspectFamily(manifestUrl, opts));
  }

  downloadFamily(manifestUrl: string, opts: { variant?: string }, onProgress: (p: DownloadProgress) => void): Promise<FamilyStatus> {
    return call(() => this.#remote.downloadFamily(manifestUrl, opts, Comlink.proxy(onProgress)));
  }

  cancelDownload(): Promise<void> {
    return call(() => this.#remote.cancelDownload());
  }

  deleteFamily(manifestUrl: string): Promise<void> {
    return call(() => this.#remote.deleteFamily(manifestUrl));
  }

  storageInfo(): Promise<StorageInfo> {
    return call(() => this.#remote.storageInfo());
  }

  promptInfo(prompt: string): Promise<PromptInfo> {
    return call(() => this.#remote.promptInfo(prompt));
  }

  generatorPromptInfo(prompt: string): Promise<PromptTokens> {
    return call(() => this.#remote.generatorPromptInfo(prompt));
  }

  /**
   * Score, reporting each image. After a GPU device loss the images without a result are scored on
   * a fresh WASM worker (announced by a 'backend' event) and the report covers every image.
   */
  async score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    const got = new Map<number, ScoredImage>();
    const relay = Comlink.proxy((e: ScoreEvent) => {
      if (e.kind === 'result') got.set(e.item.index, e.item);
      onEvent?.(e);
    });
    try {
      return await call(() => this.#remote.score(req, relay));
    } catch (e) {
      if (!(e instanceof DeviceLostError) || this.#setup.init?.backend === 'wasm') throw e;
      await this.#restartOnWasm();
      const detail = e.message.replace(/^the GPU device was lost: /, '');
      onEvent?.({ kind: 'backend', label: 'WASM (GPU device lost)', reason: `GPU device lost (${detail}): continuing on WASM` });
      const rest = req.images.map((_, i) => i).filter((i) => !got.has(i));
      const total = req.images.length;
      const remap = Comlink.proxy((ev: ScoreEvent) => {
        if (ev.kind !== 'result') return ev.kind === 'prompt' ? undefined : onEvent?.(ev);
        const item = { ...ev.item, index: rest[ev.item.index] };
        got.set(item.index, item);
        onEvent?.({ kind: 'result', item, done: got.size, total });
      });
      const r = await call(() => this.#remote.score({ ...req, images: rest.map((i) => req.images[i]) }, remap));
      r.results.forEach((item) => got.set(rest[item.index], { ...item, index: rest[item.index] }));
      const results = req.images.map((img, i) => got.get(i) ?? { index: i, name: img.name });
      const ranks = rankScores(results.map((x) => (x.score === undefined ? null : { score: x.score })));
      return { ...r, results, ranks };
    }
  }

  /**
   * Generate, reporting each event. After a GPU device loss the run goes on on WASM from the next
   * candidate, announced by a 'backend' event; the report lists every candidate made.
   */
  async generate(o: GenerateRequest, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport> {
    const made: Candidate[] = [];
    const relay = Comlink.proxy((e: GenerateEvent) => {
      if (e.kind === 'candidate') made.push(e.candidate);
      onEvent?.(e);
    });
    try {
      // The engine's report is authoritative: events travel on the callback's own MessagePort, so
      // the last ones may arrive after the call returns (they still reach onEvent).
      return await call(() => this.#remote.generate(o, relay));
    } catch (e) {
      if (!(e instanceof DeviceLostError) || this.#setup.init?.backend === 'wasm') throw e;
      await this.#restartOnWasm();
      const detail = e.message.replace(/^the GPU device was lost: /, '');
      onEvent?.({ kind: 'backend', label: 'WASM (GPU device lost)', reason: `GPU device lost (${detail}): continuing on WASM` });
      const from = (o.from ?? 0) + made.length;
      if (from >= o.n) return { candidates: made, cancelled: false };
      const r = await call(() => this.#remote.generate({ ...o, from }, relay));
      return { candidates: [...made.filter((c) => c.index < from), ...r.candidates], cancelled: r.cancelled };
    }
  }

  /** Test hook: destroy the worker's GPU device mid-run. */
  simulateGpuDeviceLoss(): Promise<boolean> {
    return call(() => this.#remote.simulateGpuDeviceLoss());
  }

  cancel(): Promise<void> {
    return call(() => this.#remote.cancel());
  }

  /** Last resort (e.g. switching backend): pending calls are not settled by comlink, so stop first. */
  terminate(): void {
    this.#remote[Comlink.releaseProxy]();
    this.#worker.terminate();
  }

  async #restartOnWasm(): Promise<void> {
    const setup = this.#setup;
    this.terminate();
    this.#worker = spawn();
    this.#remote = Comlink.wrap<Engine>(this.#worker);
    await this.init({ ...setup.init, backend: 'wasm' });
    if (setup.scorer) await this.loadScorer(setup.scorer);
    if (setup.generator) await this.loadGenerator(...setup.generator);
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw rebuildError(e);
  }
}
