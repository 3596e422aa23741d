// The engine (EngineApi, engine-api.ts): the same object runs inside the Web Worker (exposed by
// comlink), in Node tests, the CLI and the benchmarks. One backend, one scorer and one generator
// at a time. A lost GPU device ends a call with DeviceLostError carrying what is finished and what
// is not; the worker client redoes the rest on WASM (worker/client.ts).
import type {
  EngineApi, EngineInfo, GenerateReport, GeneratorOptions, InitOptions, LoadedGenerator, LoadedModel, ScoreRequest,
} from './engine-api.ts';
import { BackendError, CancelledError, DeviceLostError } from './errors.ts';
import type { DtypeVariant } from './kinds/sd-turbo/manifest.ts';
import type { ImportProgress } from './kinds/vp-score/import/import-folder.ts';
import type { ImportedFamily, ImportRequest } from './families/family-import.ts';
import type { CheckpointStatus, GetProgress } from './families/checkpoint-get.ts';
import { reportingReader, type LoadProgress } from './model-files/load-progress.ts';
import { FamilyLibrary, type LibraryDeps } from './families/family-library.ts';
import type { FamilyStatus } from './families/family-store.ts';
import { openGenerator, openJudge } from './families/model-loader.ts';
import { openSource, type ModelSource, type OpenedSource } from './families/model-source.ts';
import type { VpDtype } from './kinds/vp-score/manifest.ts';
import { generateCandidates, type Candidate, type GenerateEvent, type PromptTokens } from './generate/candidate-run.ts';
import { validateRequest, type GenerateRequest } from './generate/generate-request.ts';
import type { Generator } from './generate/generator.ts';
import { preloadCodecs } from './image/wasm-codecs.ts';
import { chooseBackend, type Device } from './runtime/backend-choice.ts';
import { destroyDevice, watchDeviceLoss } from './runtime/device-loss.ts';
import { configureRuntime, useNativeRuntime } from './runtime/ort-session.ts';
import { NATIVE_RUNTIME_LABEL, ORT_BUILDS } from './runtime/ort-build.ts';
import { probeWebGpu } from './runtime/webgpu-probe.ts';
import { rankScores } from './score/rank.ts';
import type { Judge } from './score/judge.ts';
import type { PromptInfo, ScoredImage, ScoreEvent, ScoreReport } from './score/score-report.ts';
import type { DownloadProgress, StorageInfo } from './store/model-store.ts';

export type * from './engine-api.ts';

export class Engine implements EngineApi {
  #info: EngineInfo | null = null;
  #scorer: Judge | null = null;
  #generator: Generator | null = null;
  /** Why the GPU device was lost, once it is. */
  #deviceLost: string | null = null;
  #watching = false;
  #abort: AbortController | null = null;
  /** simulateLoadHang's match. */
  #hangMatch: string | null = null;
  /** simulateConvertHold's arguments. */
  #convertHold: { flag: Int32Array; at: number } | null = null;
  readonly #library: FamilyLibrary;

  /** `store`, `scratch`: the model store and import scratch space (tests); by default the browser's. */
  constructor(opts: LibraryDeps = {}) {
    this.#library = new FamilyLibrary(() => this.#device(), opts);
  }

  async init(opts: InitOptions = {}): Promise<EngineInfo> {
    const preference = opts.backend ?? 'auto';
    const { probe, adapter } = preference === 'wasm'
      ? { probe: { available: false as const, reason: 'not probed' }, adapter: undefined }
      : await probeWebGpu(opts.gpu);
    const choice = chooseBackend(preference, probe);
    const { numThreads, build } = await configureRuntime({ ep: choice.ep, numThreads: opts.numThreads, adapter, build: opts.ortBuild, externalData: opts.externalData });
    if (opts.native) await useNativeRuntime(numThreads);
    await preloadCodecs();
    await this.#library.removeLeftoverScratch();
    this.#info = { ...choice, numThreads, runtime: opts.native ? NATIVE_RUNTIME_LABEL : ORT_BUILDS[build].label };
    return this.#info;
  }

  async loadScorer(source: ModelSource, opts: { dtype?: VpDtype } = {}, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel> {
    const t0 = performance.now();
    const src = await this.#open(source, opts.dtype, onProgress);
    const { judge, variant, modelBytes } = await openJudge(src, this.#device(), opts.dtype);
    await this.#hangIfAsked(source);
    await this.#scorer?.release();
    this.#scorer = judge;
    await this.#watchDevice();
    return {
      id: judge.id, name: judge.name, origin: src.origin, dtype: variant as VpDtype, modelBytes,
      maxBatch: judge.maxBatch, ...judge.normalization, loadMs: performance.now() - t0,
    };
  }

  async loadGenerator(source: ModelSource, opts: GeneratorOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<LoadedGenerator> {
    const t0 = performance.now();
    const src = await this.#open(source, opts.variant, onProgress);
    const generator = await openGenerator(src, this.#device(), opts.variant, { decoder: opts.decoder });
    await this.#hangIfAsked(source);
    await this.#generator?.release();
    this.#generator = generator;
    await this.#watchDevice();
    const m = generator.manifest;
    return { id: m.id, name: m.name, origin: src.origin, variant: generator.variant as DtypeVariant, decoder: generator.decoderChoice, imageSize: m.imageSize, loadMs: performance.now() - t0 };
  }

  async #open(source: ModelSource, variant?: VpDtype | DtypeVariant, onProgress?: (p: LoadProgress) => void): Promise<OpenedSource> {
    const src = await openSource(source, () => this.#library.families, this.#device(), variant);
    return onProgress ? { ...src, read: reportingReader(src.read, onProgress) } : src;
  }

  // ---- the model library: families downloaded or imported once and kept for offline use ----

  inspectFamily(manifestUrl: string, opts: { variant?: string } = {}): Promise<FamilyStatus> {
    return this.#library.inspect(manifestUrl, opts.variant);
  }

  bestGenerator(manifestUrls: string[]): Promise<FamilyStatus | null> {
    return this.#library.bestGenerator(manifestUrls);
  }

  downloadFamily(manifestUrl: string, opts: { variant?: string } = {}, onProgress?: (p: DownloadProgress) => void): Promise<FamilyStatus> {
    return this.#library.download(manifestUrl, opts.variant, onProgress);
  }

  async cancelDownload(): Promise<void> {
    this.#library.cancelDownload();
  }

  importCheckpoint(req: ImportRequest, onProgress?: (p: ImportProgress) => void): Promise<ImportedFamily> {
    return this.#library.import(req, this.#holdingAt(onProgress));
  }

  inspectCheckpoint(manifestUrl: string): Promise<CheckpointStatus> {
    return this.#library.inspectCheckpoint(manifestUrl);
  }

  getCheckpoint(manifestUrl: string, opts: { keepSource: boolean }, onProgress?: (p: GetProgress) => void): Promise<ImportedFamily> {
    return this.#library.getCheckpoint(manifestUrl, opts.keepSource, this.#holdingAt(onProgress));
  }

  deleteCheckpointDownload(manifestUrl: string): Promise<void> {
    return this.#library.deleteCheckpointDownload(manifestUrl);
  }

  async cancelImport(): Promise<void> {
    this.#library.cancelImport();
  }

  deleteFamily(manifestUrl: string): Promise<void> {
    return this.#library.delete(manifestUrl);
  }

  storageInfo(): Promise<StorageInfo> {
    return this.#library.storageInfo();
  }

  #device(): Device {
    const info = this.#requireInit();
    return { ep: info.ep, shaderF16: info.adapter?.shaderF16 ?? false };
  }

  async generatorPromptInfo(prompt: string): Promise<PromptTokens> {
    const { tokenCount, maxTokens, truncated } = this.#requireGenerator().tokenize(prompt);
    return { tokenCount, maxTokens, truncated };
  }

  /**
   * Generate candidates `from ?? 0`…N-1, scoring each as it is made. ort-web cannot run anything
   * more in this instance after a device loss (a run on a destroyed device never settles and
   * blocks the instance), so the run ends with DeviceLostError naming the candidates not made.
   */
  async generate(o: GenerateRequest, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport> {
    validateRequest(o);
    const generator = this.#requireGenerator();
    const abort = this.#newRun();
    const todo = Array.from({ length: o.n - (o.from ?? 0) }, (_, i) => (o.from ?? 0) + i);
    try {
      return await this.#untilDeviceLost<Candidate, GenerateReport>(todo, (keep) => {
        const emit = (e: GenerateEvent) => {
          // Between UNet steps: do not hand more work to a device that is gone.
          if (this.#deviceLost !== null) throw new DeviceLostError(this.#deviceLost);
          onEvent?.(e);
          if (e.kind === 'candidate') keep(e.candidate);
        };
        return generateCandidates({ generator, scorer: this.#scorer, signal: abort.signal, emit }, o, o.from ?? 0);
      });
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  /**
   * Run `job` over items `todo`, `keep`ing each result as it is delivered. If the GPU device is
   * lost meanwhile, whatever the job threw becomes a DeviceLostError with the kept results and
   * the indices still without one.
   */
  async #untilDeviceLost<T extends { index: number }, R>(todo: number[], job: (keep: (item: T) => void) => Promise<R>): Promise<R> {
    const finished: T[] = [];
    try {
      return await job((item) => finished.push(item));
    } catch (e) {
      const lost = this.#deviceLost;
      if (lost === null && !(e instanceof DeviceLostError)) throw e;
      const reason = lost === null ? (e as DeviceLostError).reason
        : e instanceof DeviceLostError ? lost : `${lost} (${(e as Error).message})`;
      const done = new Set(finished.map((t) => t.index));
      throw new DeviceLostError(reason, todo.filter((i) => !done.has(i)), finished);
    }
  }

  /** Test hook: destroy ort's GPU device, as a driver reset would. */
  simulateGpuDeviceLoss(): Promise<boolean> {
    return this.#info?.ep === 'webgpu' ? destroyDevice() : Promise.resolve(false);
  }

  async simulateLoadHang(match: string): Promise<void> {
    this.#hangMatch = match;
  }

  async simulateConvertHold(flag: Int32Array, atFraction: number): Promise<void> {
    this.#convertHold = { flag, at: atFraction };
  }

  /** The progress callback, blocking this thread at simulateConvertHold's point (once reported). */
  #holdingAt<P extends ImportProgress | GetProgress>(onProgress?: (p: P) => void): (p: P) => void {
    return (p) => {
      onProgress?.(p);
      const hold = this.#convertHold;
      if (!hold || p.step !== 'convert' || p.loaded < hold.at * p.total) return;
      this.#convertHold = null;
      Atomics.wait(hold.flag, 0, 0);
    };
  }

  async #hangIfAsked(source: ModelSource): Promise<void> {
    if (this.#hangMatch !== null && JSON.stringify(source).includes(this.#hangMatch)) await new Promise<never>(() => undefined);
  }

  async #watchDevice(): Promise<void> {
    if (this.#watching || this.#info?.ep !== 'webgpu') return;
    this.#watching = await watchDeviceLoss((reason) => (this.#deviceLost = reason));
  }

  #newRun(): AbortController {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    return abort;
  }

  async promptInfo(prompt: string): Promise<PromptInfo> {
    return this.#requireScorer().promptInfo(prompt);
  }

  async score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    const scorer = this.#requireScorer();
    const abort = this.#newRun();
    const known = new Map((req.scored ?? []).map((r) => [r.index, r]));
    const todo = req.images.map((_, i) => i).filter((i) => !known.has(i));
    const total = req.images.length;
    try {
      const r = await this.#untilDeviceLost<ScoredImage, Omit<ScoreReport, 'ranks'>>(todo, (keep) =>
        scorer.score(req.prompt, todo.map((i) => req.images[i]), {
          batchSize: req.batchSize,
          signal: abort.signal,
          onEvent: (e) => {
            if (e.kind !== 'result') return onEvent?.(e);
            const item = { ...e.item, index: todo[e.item.index] };
            keep(item);
            onEvent?.({ kind: 'result', item, done: known.size + e.done, total });
          },
        }),
      );
      const fresh = new Map(todo.map((i, k) => [i, r.results[k]]));
      const results = req.images.map((_, i) => known.get(i) ?? { ...fresh.get(i)!, index: i });
      const ranks = rankScores(results.map((x) => (x.score === undefined ? null : { score: x.score })));
      return { ...r, results, ranks };
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  /** Stop the running batch between items; what was scored is returned by that call. */
  async cancel(): Promise<void> {
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

  #requireScorer(): Judge {
    this.#requireInit();
    if (!this.#scorer) throw new BackendError('No reward model is loaded: load the built-in model or pick a folder');
    return this.#scorer;
  }

  #requireGenerator(): Generator {
    this.#requireInit();
    if (!this.#generator) throw new BackendError('No diffusion model is loaded: load the built-in family first');
    return this.#generator;
  }
}
