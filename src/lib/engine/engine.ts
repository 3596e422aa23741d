// The engine's public API: the same object runs inside the Web Worker (exposed by comlink),
// in Node tests, the CLI and the benchmarks. One backend, one scorer at a time.
import { chooseBackend, type BackendChoice, type BackendPreference } from './backend-choice.ts';
import { BackendError, CancelledError } from './errors.ts';
import { filesReader, httpReader, readModelFolder, type ReadFile } from './model-folder.ts';
import { configureRuntime } from './ort-session.ts';
import { VpScorer, type ImageInput, type PromptInfo, type ScoreEvent, type ScoreReport } from './scorer.ts';
import { probeWebGpu, type GpuLike } from './webgpu-probe.ts';

export interface InitOptions {
  backend?: BackendPreference;
  numThreads?: number;
  /** For tests: a stand-in for navigator.gpu. */
  gpu?: GpuLike;
}

export interface EngineInfo extends BackendChoice {
  numThreads: number;
}

export type ModelSource =
  | { kind: 'url'; baseUrl: string }
  | { kind: 'files'; folderName: string; files: { name: string; arrayBuffer(): Promise<ArrayBuffer> }[] }
  | { kind: 'reader'; origin: string; read: ReadFile };

export interface LoadedModel {
  id: string;
  name: string;
  origin: string;
  modelBytes: number;
  maxBatch: number;
  mean: number;
  std: number;
  loadMs: number;
}

export interface ScoreRequest {
  prompt: string;
  images: ImageInput[];
  batchSize?: number;
}

export class Engine {
  #info: EngineInfo | null = null;
  #scorer: VpScorer | null = null;
  #abort: AbortController | null = null;

  async init(opts: InitOptions = {}): Promise<EngineInfo> {
    const preference = opts.backend ?? 'auto';
    const { probe, adapter } = preference === 'wasm'
      ? { probe: { available: false as const, reason: 'not probed' }, adapter: undefined }
      : await probeWebGpu(opts.gpu);
    const choice = chooseBackend(preference, probe);
    const { numThreads } = configureRuntime({ ep: choice.ep, numThreads: opts.numThreads, adapter });
    this.#info = { ...choice, numThreads };
    return this.#info;
  }

  info(): EngineInfo | null {
    return this.#info;
  }

  async loadScorer(source: ModelSource): Promise<LoadedModel> {
    const info = this.#requireInit();
    const t0 = performance.now();
    const [read, origin] =
      source.kind === 'url'
        ? [httpReader(source.baseUrl), source.baseUrl.replace(/\/$/, '')]
        : source.kind === 'files'
          ? [filesReader(source.files, source.folderName), source.folderName]
          : [source.read, source.origin];
    const folder = await readModelFolder(read, origin);
    const scorer = await VpScorer.load(folder, info.ep);
    await this.#scorer?.release();
    this.#scorer = scorer;
    const m = folder.manifest;
    return {
      id: m.id,
      name: m.name,
      origin,
      modelBytes: folder.modelBytes.byteLength,
      maxBatch: scorer.maxBatch,
      mean: m.mean,
      std: m.std,
      loadMs: performance.now() - t0,
    };
  }

  promptInfo(prompt: string): PromptInfo {
    return this.#requireScorer().promptInfo(prompt);
  }

  async score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    const scorer = this.#requireScorer();
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    try {
      return await scorer.score(req.prompt, req.images, { batchSize: req.batchSize, signal: abort.signal, onEvent });
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  /** Stop the running batch between items; what was scored is returned by that call. */
  cancel(): void {
    this.#abort?.abort(new CancelledError());
  }

  async dispose(): Promise<void> {
    await this.#scorer?.release();
    this.#scorer = null;
  }

  #requireInit(): EngineInfo {
    if (!this.#info) throw new BackendError('The engine is not initialised: call init() first');
    return this.#info;
  }

  #requireScorer(): VpScorer {
    this.#requireInit();
    if (!this.#scorer) throw new BackendError('No reward model is loaded: load the built-in model or pick a folder');
    return this.#scorer;
  }
}
