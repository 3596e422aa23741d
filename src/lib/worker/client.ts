// The page's handle on the worker: the engine's API (EngineApi) over comlink. Callbacks cross as
// comlink proxies; errors cross with their class and data (error-transfer.ts).
//
// A lost GPU device leaves the worker's onnxruntime instance unusable (a run on a destroyed device
// never settles and blocks every later run), so recovery happens here, once for every call that
// runs models: a new worker on WASM, the same models loaded again, and the call redone for what
// the engine's DeviceLostError names as unfinished.
import * as Comlink from 'comlink';
import type {
  Candidate, CheckpointStatus, DownloadProgress, GetProgress, LoadProgress, VpDtype, DtypeVariant, EngineApi, EngineInfo, FamilyStatus, GenerateEvent, GenerateReport,
  GenerateRequest, GeneratorOptions, ImportedFamily, ImportProgress, ImportRequest, InitOptions, LoadedGenerator, LoadedModel, ModelSource, PromptInfo, PromptTokens, ScoredImage,
  ScoreEvent, ScoreReport, ScoreRequest, StorageInfo,
} from '../engine/engine-api.ts';
import { BackendError, DeviceLostError } from '../engine/errors.ts';
import { installErrorTransfer } from './error-transfer.ts';

export type * from '../engine/engine-api.ts';

/** A source the page can hand to the worker: everything but an in-thread reader function. */
type UiSource = Exclude<ModelSource, { kind: 'reader' }>;
type UiInit = Omit<InitOptions, 'gpu'>;

/** A running worker (or, in tests, anything that speaks comlink on a message port). */
export interface WorkerHandle {
  endpoint: Comlink.Endpoint;
  terminate(): void;
}

const spawnWorker = (): WorkerHandle => {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'preflens-engine' });
  return { endpoint: worker, terminate: () => worker.terminate() };
};

const MOVED = { kind: 'backend', label: 'WASM (GPU device lost)' } as const;

export class EngineClient implements EngineApi {
  readonly #spawn: () => WorkerHandle;
  #worker: WorkerHandle;
  #remote: Comlink.Remote<EngineApi>;
  /** What this worker was asked to set up, replayed on a fresh WASM worker after a device loss. */
  #setup: { init?: UiInit; scorer?: UiSource; generator?: [UiSource, GeneratorOptions] } = {};

  constructor(spawn: () => WorkerHandle = spawnWorker) {
    installErrorTransfer();
    this.#spawn = spawn;
    this.#worker = spawn();
    this.#remote = Comlink.wrap<EngineApi>(this.#worker.endpoint);
  }

  async init(opts: UiInit = {}): Promise<EngineInfo> {
    const info = await this.#remote.init(opts);
    this.#setup = { init: opts };
    return info;
  }

  async loadScorer(source: ModelSource, opts: { dtype?: VpDtype } = {}, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel> {
    const loaded = await this.#remote.loadScorer(uiSource(source), opts, onProgress && Comlink.proxy(onProgress));
    this.#setup.scorer = uiSource(source);
    return loaded;
  }

  async loadGenerator(source: ModelSource, opts: GeneratorOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<LoadedGenerator> {
    const loaded = await this.#remote.loadGenerator(uiSource(source), opts, onProgress && Comlink.proxy(onProgress));
    this.#setup.generator = [uiSource(source), opts];
    return loaded;
  }

  inspectFamily(manifestUrl: string, opts: { variant?: string } = {}): Promise<FamilyStatus> {
    return this.#remote.inspectFamily(manifestUrl, opts);
  }

  bestGenerator(manifestUrls: string[]): Promise<FamilyStatus | null> {
    return this.#remote.bestGenerator(manifestUrls);
  }

  downloadFamily(manifestUrl: string, opts: { variant?: string } = {}, onProgress?: (p: DownloadProgress) => void): Promise<FamilyStatus> {
    return this.#remote.downloadFamily(manifestUrl, opts, onProgress && Comlink.proxy(onProgress));
  }

  cancelDownload(): Promise<void> {
    return this.#remote.cancelDownload();
  }

  importCheckpoint(req: ImportRequest, onProgress?: (p: ImportProgress) => void): Promise<ImportedFamily> {
    return this.#remote.importCheckpoint(req, onProgress && Comlink.proxy(onProgress));
  }

  inspectCheckpoint(manifestUrl: string): Promise<CheckpointStatus> {
    return this.#remote.inspectCheckpoint(manifestUrl);
  }

  getCheckpoint(manifestUrl: string, opts: { keepSource: boolean }, onProgress?: (p: GetProgress) => void): Promise<ImportedFamily> {
    return this.#remote.getCheckpoint(manifestUrl, opts, onProgress && Comlink.proxy(onProgress));
  }

  deleteCheckpointDownload(manifestUrl: string): Promise<void> {
    return this.#remote.deleteCheckpointDownload(manifestUrl);
  }

  cancelImport(): Promise<void> {
    return this.#remote.cancelImport();
  }

  deleteFamily(manifestUrl: string): Promise<void> {
    return this.#remote.deleteFamily(manifestUrl);
  }

  storageInfo(): Promise<StorageInfo> {
    return this.#remote.storageInfo();
  }

  promptInfo(prompt: string): Promise<PromptInfo> {
    return this.#remote.promptInfo(prompt);
  }

  generatorPromptInfo(prompt: string): Promise<PromptTokens> {
    return this.#remote.generatorPromptInfo(prompt);
  }

  /** After a GPU device loss the images without a result are scored on WASM; the report covers all. */
  score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    const relay = Comlink.proxy((e: ScoreEvent) => onEvent?.(e));
    return this.#recovering(
      () => this.#remote.score(req, relay),
      // The finished results go back to the engine, which scores the others and ranks them all.
      (lost: DeviceLostError<ScoredImage>) => this.#remote.score({ ...req, scored: [...(req.scored ?? []), ...lost.finished] }, relay),
      onEvent,
    );
  }

  /** After a GPU device loss the run goes on on WASM from the first candidate not made. */
  generate(req: GenerateRequest, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport> {
    const relay = Comlink.proxy((e: GenerateEvent) => onEvent?.(e));
    return this.#recovering(
      () => this.#remote.generate(req, relay),
      async (lost: DeviceLostError<Candidate>) => {
        // Candidates are made in order, so what is unfinished is the tail of the run.
        if (!lost.unfinished.length) return { candidates: lost.finished, cancelled: false };
        const r = await this.#remote.generate({ ...req, from: Math.min(...lost.unfinished) }, relay);
        return { candidates: [...lost.finished, ...r.candidates], cancelled: r.cancelled };
      },
      onEvent,
    );
  }

  /**
   * `call`, and if it ends with a lost GPU device (and WASM was not what ran): a fresh WASM worker
   * with the same models, a 'backend' event, then `redo` for what the error names as unfinished.
   */
  async #recovering<T, R>(
    call: () => Promise<R>,
    redo: (lost: DeviceLostError<T>) => Promise<R>,
    onEvent?: (e: typeof MOVED & { reason: string }) => void,
  ): Promise<R> {
    try {
      return await call();
    } catch (e) {
      if (!(e instanceof DeviceLostError) || this.#setup.init?.backend === 'wasm') throw e;
      await this.#restartOnWasm();
      onEvent?.({ ...MOVED, reason: `GPU device lost (${e.reason}): continuing on WASM` });
      return redo(e as DeviceLostError<T>);
    }
  }

  simulateGpuDeviceLoss(): Promise<boolean> {
    return this.#remote.simulateGpuDeviceLoss();
  }

  cancel(): Promise<void> {
    return this.#remote.cancel();
  }

  /** Last resort (e.g. switching backend): pending calls are not settled by comlink, so stop first. */
  terminate(): void {
    this.#remote[Comlink.releaseProxy]();
    this.#worker.terminate();
  }

  async #restartOnWasm(): Promise<void> {
    const setup = this.#setup;
    this.terminate();
    this.#worker = this.#spawn();
    this.#remote = Comlink.wrap<EngineApi>(this.#worker.endpoint);
    await this.init({ ...setup.init, backend: 'wasm' });
    if (setup.scorer) await this.loadScorer(setup.scorer);
    if (setup.generator) await this.loadGenerator(...setup.generator);
  }
}

/** A reader source holds a function, which cannot be sent to a worker. */
function uiSource(source: ModelSource): UiSource {
  if (source.kind === 'reader') throw new BackendError('A reader source runs only in-thread (Node, tests): pass a URL, files or a stored family');
  return source;
}
