// The engine's public API: the same object runs inside the Web Worker (exposed by comlink),
// in Node tests, the CLI and the benchmarks. One backend, one scorer and one generator at a time.
import { chooseBackend, type BackendChoice, type BackendPreference } from './runtime/backend-choice.ts';
import { destroyDevice, watchDeviceLoss } from './runtime/device-loss.ts';
import type { DtypeVariant } from './families/diffusion-manifest.ts';
import { BackendError, CancelledError, DeviceLostError } from './errors.ts';
import { FamilyStore, type Device, type FamilyStatus } from './families/family-store.ts';
import { generateCandidates, type Candidate, type GenerateEvent, type PromptTokens } from './generate/candidate-run.ts';
import { validateRequest, type GenerateRequest } from './generate/generate-request.ts';
import type { SdGenerator } from './generate/sd-turbo-pipeline.ts';
import { preloadCodecs } from './image/wasm-codecs.ts';
import type { VpDtype } from './families/vp-score-manifest.ts';
import { openGenerator, openScorer } from './families/model-loader.ts';
import { openSource, type ModelSource, type OpenedSource } from './families/model-source.ts';
import { configureRuntime } from './runtime/ort-session.ts';
import type { ImageInput, PromptInfo, ScoreEvent, ScoreReport, VpScorer } from './score/vp-scorer.ts';
import { openBrowserStore } from './store/browser-store.ts';
import type { DownloadProgress, ModelStore, StorageInfo } from './store/model-store.ts';
import { probeWebGpu, type GpuLike } from './runtime/webgpu-probe.ts';

export interface InitOptions {
  backend?: BackendPreference;
  numThreads?: number;
  /** For tests: a stand-in for navigator.gpu. */
  gpu?: GpuLike;
}

export interface EngineInfo extends BackendChoice {
  numThreads: number;
}

export type { ModelSource, FamilyStatus, DownloadProgress, StorageInfo };

export interface LoadedModel {
  id: string;
  name: string;
  origin: string;
  dtype: VpDtype;
  modelBytes: number;
  maxBatch: number;
  mean: number;
  std: number;
  loadMs: number;
}

export interface LoadedGenerator {
  id: string;
  name: string;
  origin: string;
  variant: DtypeVariant;
  imageSize: number;
  loadMs: number;
}

export interface GenerateReport {
  candidates: Candidate[];
  cancelled: boolean;
}

export interface ScoreRequest {
  prompt: string;
  images: ImageInput[];
  batchSize?: number;
}

export class Engine {
  #info: EngineInfo | null = null;
  #scorer: VpScorer | null = null;
  #generator: SdGenerator | null = null;
  #deviceLost: string | null = null;
  #watching = false;
  #abort: AbortController | null = null;
  #families: FamilyStore | null | undefined;
  /** Downloads have their own cancel: a download may run while the user generates. */
  #download: AbortController | null = null;

  /** `store`: the model store to use (tests); by default OPFS + IndexedDB when the browser has them. */
  constructor(opts: { store?: ModelStore | null } = {}) {
    this.#families = opts.store === undefined ? undefined : opts.store && new FamilyStore(opts.store);
  }

  async init(opts: InitOptions = {}): Promise<EngineInfo> {
    const preference = opts.backend ?? 'auto';
    const { probe, adapter } = preference === 'wasm'
      ? { probe: { available: false as const, reason: 'not probed' }, adapter: undefined }
      : await probeWebGpu(opts.gpu);
    const choice = chooseBackend(preference, probe);
    const { numThreads } = configureRuntime({ ep: choice.ep, numThreads: opts.numThreads, adapter });
    await preloadCodecs();
    this.#info = { ...choice, numThreads };
    return this.#info;
  }

  info(): EngineInfo | null {
    return this.#info;
  }

  async loadScorer(source: ModelSource, opts: { dtype?: VpDtype } = {}): Promise<LoadedModel> {
    const t0 = performance.now();
    const src = await this.#open(source, opts.dtype);
    const { scorer, folder } = await openScorer(src, this.#device(), opts.dtype);
    await this.#scorer?.release();
    this.#scorer = scorer;
    await this.#watchDevice();
    const m = folder.manifest;
    return {
      id: m.id, name: m.name, origin: src.origin, dtype: folder.dtype, modelBytes: folder.modelBytes.byteLength,
      maxBatch: scorer.maxBatch, mean: m.mean, std: m.std, loadMs: performance.now() - t0,
    };
  }

  /** Load a diffusion family; `variant` forces fp32/fp16 (else chosen for this backend). */
  async loadGenerator(source: ModelSource, opts: { variant?: DtypeVariant } = {}): Promise<LoadedGenerator> {
    const t0 = performance.now();
    const src = await this.#open(source, opts.variant);
    const generator = await openGenerator(src, this.#device(), opts.variant);
    await this.#generator?.release();
    this.#generator = generator;
    await this.#watchDevice();
    const m = generator.manifest;
    return { id: m.id, name: m.name, origin: src.origin, variant: generator.variant, imageSize: m.imageSize, loadMs: performance.now() - t0 };
  }

  #open(source: ModelSource, variant?: VpDtype | DtypeVariant): Promise<OpenedSource> {
    return openSource(source, () => this.#familyStore(), this.#device(), variant);
  }

  // ---- the model store: families downloaded once and kept for offline use ----

  /** A family's plan for this device (variant, files, sizes) and what of it is on disk. */
  inspectFamily(manifestUrl: string, opts: { variant?: string } = {}): Promise<FamilyStatus> {
    return this.#familyStore().status(manifestUrl, this.#device(), opts.variant);
  }

  /** Download what is missing (resuming partial files); cancelDownload() stops it and keeps the bytes. */
  async downloadFamily(manifestUrl: string, opts: { variant?: string } = {}, onProgress?: (p: DownloadProgress) => void): Promise<FamilyStatus> {
    this.#download?.abort();
    const abort = new AbortController();
    this.#download = abort;
    try {
      return await this.#familyStore().download(manifestUrl, this.#device(), opts.variant, { signal: abort.signal, onProgress });
    } finally {
      if (this.#download === abort) this.#download = null;
    }
  }

  cancelDownload(): void {
    this.#download?.abort();
  }

  deleteFamily(manifestUrl: string): Promise<void> {
    return this.#familyStore().delete(manifestUrl);
  }

  storageInfo(): Promise<StorageInfo> {
    return this.#familyStore().store.info();
  }

  #familyStore(): FamilyStore {
    if (this.#families === undefined) {
      const store = openBrowserStore();
      this.#families = store && new FamilyStore(store);
    }
    if (!this.#families) {
      throw new BackendError('This browser cannot keep downloaded models (no Origin Private File System): load a local folder instead');
    }
    return this.#families;
  }

  #device(): Device {
    const info = this.#requireInit();
    return { ep: info.ep, shaderF16: info.adapter?.shaderF16 ?? false };
  }

  /** Token count of a prompt for the diffusion text encoder (the UI warns before truncating). */
  generatorPromptInfo(prompt: string): PromptTokens {
    const { tokenCount, maxTokens, truncated } = this.#requireGenerator().tokenize(prompt);
    return { tokenCount, maxTokens, truncated };
  }

  /**
   * Generate candidates `o.from ?? 0`…N-1, scoring each as it is made; a cancel keeps the finished
   * ones. A lost GPU device ends the run with DeviceLostError: ort-web cannot run anything more in
   * this instance after that (a run on a destroyed device never settles and blocks the instance),
   * so the client restarts the worker on WASM and resumes from the next candidate (client.ts).
   */
  async generate(o: GenerateRequest, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport> {
    validateRequest(o);
    const generator = this.#requireGenerator();
    const abort = this.#newRun();
    const emit = (e: GenerateEvent) => {
      // Between UNet steps: do not hand more work to a device that is gone.
      if (this.#deviceLost) throw new DeviceLostError(`the GPU device was lost: ${this.#deviceLost}`);
      onEvent?.(e);
    };
    try {
      const ctx = { generator, scorer: this.#scorer, signal: abort.signal, emit };
      return await generateCandidates(ctx, o, o.from ?? 0);
    } catch (e) {
      if (this.#deviceLost && !(e instanceof DeviceLostError)) {
        throw new DeviceLostError(`the GPU device was lost: ${this.#deviceLost} (${(e as Error).message})`);
      }
      throw e;
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  /** Test hook: destroy ort's GPU device, as a driver reset would. */
  simulateGpuDeviceLoss(): Promise<boolean> {
    return this.#info?.ep === 'webgpu' ? destroyDevice() : Promise.resolve(false);
  }

  async #watchDevice(): Promise<void> {
    if (this.#watching || this.#info?.ep !== 'webgpu') return;
    this.#watching = await watchDeviceLoss((message) => (this.#deviceLost = message));
  }

  #newRun(): AbortController {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    return abort;
  }

  promptInfo(prompt: string): PromptInfo {
    return this.#requireScorer().promptInfo(prompt);
  }

  async score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    const scorer = this.#requireScorer();
    const abort = this.#newRun();
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
    await Promise.all([this.#scorer?.release(), this.#generator?.release()]);
    this.#scorer = null;
    this.#generator = null;
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

  #requireGenerator(): SdGenerator {
    this.#requireInit();
    if (!this.#generator) throw new BackendError('No diffusion model is loaded: load the built-in family first');
    return this.#generator;
  }
}
