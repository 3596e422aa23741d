// The page's handle on the worker: the engine's API (EngineApi) over comlink. Callbacks cross as
// comlink proxies; errors cross with their class and data (error-transfer.ts).
//
// A lost GPU device leaves the worker's onnxruntime instance unusable (a run on a destroyed device
// never settles and blocks every later run), so recovery happens here, once for every call that
// runs models: a new worker on WASM, the same models loaded again, and the call redone for what
// the engine's DeviceLostError names as unfinished.
//
// A model load can also stop for good without an error (load-guard.ts), so every load is bounded
// here: one that goes quiet past its bound is abandoned with its worker, the engine is set up again
// in a fresh worker (in the safer way of RETRY_INIT) and the load is tried once more; a second
// timeout is a LoadTimeoutError, with the earlier models loaded again. Calls the old worker was
// running end with EngineRestartedError instead of waiting forever.
import * as Comlink from 'comlink';
import type {
  Candidate, CheckpointStatus, DownloadProgress, GetProgress, LoadProgress, VpDtype, DtypeVariant, EngineApi, EngineInfo, FamilyStatus, GenerateEvent, GenerateReport,
  GenerateRequest, GeneratorOptions, ImportedFamily, ImportProgress, ImportRequest, InitOptions, LoadedGenerator, LoadedModel, ModelSource, PromptInfo, PromptTokens, ScoredImage,
  ScoreEvent, ScoreReport, ScoreRequest, StorageInfo,
} from '../engine/engine-api.ts';
import { BackendError, DeviceLostError, EngineRestartedError, LoadTimeoutError } from '../engine/errors.ts';
import type { EpName } from '../engine/runtime/backend-choice.ts';
import { guardedLoad, loadBoundMs } from './load-guard.ts';
import { generation, type Generation, type WorkerHandle } from './worker-generation.ts';
import { installErrorTransfer } from './error-transfer.ts';

export type * from '../engine/engine-api.ts';
export type { WorkerHandle };

/** A source the page can hand to the worker: everything but an in-thread reader function. */
type UiSource = Exclude<ModelSource, { kind: 'reader' }>;
type UiInit = Omit<InitOptions, 'gpu'>;

const spawnWorker = (): WorkerHandle => {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'preflens-engine' });
  return { endpoint: worker, terminate: () => worker.terminate() };
};

const MOVED = { kind: 'backend', label: 'WASM (GPU device lost)' } as const;

/**
 * How the fresh worker after a hung load runs onnxruntime (kept for the page's life): external data
 * as bytes, the one way no stress load ever hung (runtime/ort-session.ts ExternalDataForm).
 */
export const RETRY_INIT: Partial<UiInit> = { externalData: 'bytes' };

type Setup = { init?: UiInit; scorer?: [UiSource, { dtype?: VpDtype }]; generator?: [UiSource, GeneratorOptions] };

export class EngineClient implements EngineApi {
  readonly #spawn: () => WorkerHandle;
  readonly #boundMs: (bytesRead: number, ep: EpName) => number;
  #gen: Generation;
  #ep: EpName = 'wasm';
  /** What this worker was asked to set up, replayed on a fresh worker (device loss, hung load). */
  #setup: Setup = {};
  /** simulateLoadHang's arguments, given to every worker. */
  #hang: { match: string; boundMs: number } | null = null;

  /** `boundMs`: tests shorten the load bound (load-guard.ts). */
  constructor(spawn: () => WorkerHandle = spawnWorker, boundMs = loadBoundMs) {
    installErrorTransfer();
    this.#spawn = spawn;
    this.#boundMs = boundMs;
    this.#gen = generation(spawn());
  }

  /** `f` on the current worker; it rejects with EngineRestartedError if the client abandons that worker. */
  #call<R>(f: (remote: Comlink.Remote<EngineApi>) => Promise<R>): Promise<R> {
    const g = this.#gen;
    return Promise.race([f(g.remote), g.ended]);
  }

  async init(opts: UiInit = {}): Promise<EngineInfo> {
    const info = await this.#call((r) => r.init(opts));
    this.#setup = { init: opts };
    this.#ep = info.ep;
    return info;
  }

  async loadScorer(source: ModelSource, opts: { dtype?: VpDtype } = {}, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel> {
    const src = uiSource(source);
    const loaded = await this.#guardedLoad((r, p) => r.loadScorer(src, opts, p), onProgress);
    this.#setup.scorer = [src, opts];
    return loaded;
  }

  async loadGenerator(source: ModelSource, opts: GeneratorOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<LoadedGenerator> {
    const src = uiSource(source);
    const loaded = await this.#guardedLoad((r, p) => r.loadGenerator(src, opts, p), onProgress);
    this.#setup.generator = [src, opts];
    return loaded;
  }

  /**
   * A load bounded by load-guard.ts. A timeout abandons the worker: a fresh one is set up as this one
   * was (the models loaded before, not this one), the load is tried again there, and a second
   * timeout is the caller's LoadTimeoutError.
   */
  async #guardedLoad<R>(load: (remote: Comlink.Remote<EngineApi>, onProgress: (p: LoadProgress) => void) => Promise<R>, onProgress?: (p: LoadProgress) => void): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      try {
        const bound = (bytes: number) => this.#hang?.boundMs ?? this.#boundMs(bytes, this.#ep);
        return await guardedLoad((p) => this.#call((r) => load(r, Comlink.proxy(p))), bound, onProgress);
      } catch (e) {
        if (!(e instanceof LoadTimeoutError)) throw e;
        await this.#restart(RETRY_INIT, `a model load stopped after ${e.file} and was abandoned`);
        if (attempt === 2) throw e;
        onProgress?.({ step: 'retry', file: e.file });
      }
    }
  }

  inspectFamily(manifestUrl: string, opts: { variant?: string } = {}): Promise<FamilyStatus> {
    return this.#call((r) => r.inspectFamily(manifestUrl, opts));
  }

  bestGenerator(manifestUrls: string[]): Promise<FamilyStatus | null> {
    return this.#call((r) => r.bestGenerator(manifestUrls));
  }

  downloadFamily(manifestUrl: string, opts: { variant?: string } = {}, onProgress?: (p: DownloadProgress) => void): Promise<FamilyStatus> {
    return this.#call((r) => r.downloadFamily(manifestUrl, opts, onProgress && Comlink.proxy(onProgress)));
  }

  cancelDownload(): Promise<void> {
    return this.#call((r) => r.cancelDownload());
  }

  importCheckpoint(req: ImportRequest, onProgress?: (p: ImportProgress) => void): Promise<ImportedFamily> {
    return this.#call((r) => r.importCheckpoint(req, onProgress && Comlink.proxy(onProgress)));
  }

  inspectCheckpoint(manifestUrl: string): Promise<CheckpointStatus> {
    return this.#call((r) => r.inspectCheckpoint(manifestUrl));
  }

  getCheckpoint(manifestUrl: string, opts: { keepSource: boolean }, onProgress?: (p: GetProgress) => void): Promise<ImportedFamily> {
    return this.#call((r) => r.getCheckpoint(manifestUrl, opts, onProgress && Comlink.proxy(onProgress)));
  }

  deleteCheckpointDownload(manifestUrl: string): Promise<void> {
    return this.#call((r) => r.deleteCheckpointDownload(manifestUrl));
  }

  cancelImport(): Promise<void> {
    return this.#call((r) => r.cancelImport());
  }

  deleteFamily(manifestUrl: string): Promise<void> {
    return this.#call((r) => r.deleteFamily(manifestUrl));
  }

  storageInfo(): Promise<StorageInfo> {
    return this.#call((r) => r.storageInfo());
  }

  promptInfo(prompt: string): Promise<PromptInfo> {
    return this.#call((r) => r.promptInfo(prompt));
  }

  generatorPromptInfo(prompt: string): Promise<PromptTokens> {
    return this.#call((r) => r.generatorPromptInfo(prompt));
  }

  /** After a GPU device loss the images without a result are scored on WASM; the report covers all. */
  score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    const relay = Comlink.proxy((e: ScoreEvent) => onEvent?.(e));
    return this.#recovering(
      () => this.#call((r) => r.score(req, relay)),
      // The finished results go back to the engine, which scores the others and ranks them all.
      (lost: DeviceLostError<ScoredImage>) => this.#call((r) => r.score({ ...req, scored: [...(req.scored ?? []), ...lost.finished] }, relay)),
      onEvent,
    );
  }

  /** After a GPU device loss the run goes on on WASM from the first candidate not made. */
  generate(req: GenerateRequest, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport> {
    const relay = Comlink.proxy((e: GenerateEvent) => onEvent?.(e));
    return this.#recovering(
      () => this.#call((r) => r.generate(req, relay)),
      async (lost: DeviceLostError<Candidate>) => {
        // Candidates are made in order, so what is unfinished is the tail of the run.
        if (!lost.unfinished.length) return { candidates: lost.finished, cancelled: false };
        const r = await this.#call((remote) => remote.generate({ ...req, from: Math.min(...lost.unfinished) }, relay));
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
      await this.#restart({ backend: 'wasm' }, 'the GPU device was lost');
      onEvent?.({ ...MOVED, reason: `GPU device lost (${e.reason}): continuing on WASM` });
      return redo(e as DeviceLostError<T>);
    }
  }

  simulateGpuDeviceLoss(): Promise<boolean> {
    return this.#call((r) => r.simulateGpuDeviceLoss());
  }

  cancel(): Promise<void> {
    return this.#call((r) => r.cancel());
  }

  /** Test hook (?test-hooks): loads of sources naming `match` hang in every worker; loads are bounded by `boundMs`. */
  simulateLoadHang(match: string, boundMs = loadBoundMs(0, this.#ep)): Promise<void> {
    this.#hang = { match, boundMs };
    return this.#call((r) => r.simulateLoadHang(match));
  }

  /** Test hook (?test-hooks): the next conversion holds the worker at `atFraction` until `flag[0]` is set to 1. */
  simulateConvertHold(flag: Int32Array, atFraction: number): Promise<void> {
    return this.#call((r) => r.simulateConvertHold(flag, atFraction));
  }

  /**
   * Last resort (switching backend): the old worker's pending calls are left unsettled, as their
   * caller is being replaced too.
   */
  terminate(): void {
    this.#gen.remote[Comlink.releaseProxy]();
    this.#gen.worker.terminate();
  }

  /**
   * A fresh worker set up as this one was, with `change` to its init; the old one's calls end. A
   * model that does not load again there is left out and named in the error, after the others.
   */
  async #restart(change: Partial<UiInit>, why: string): Promise<void> {
    const setup = this.#setup;
    const old = this.#gen;
    this.terminate();
    old.end(new EngineRestartedError(`the engine was restarted (${why}); this call was stopped`));
    this.#gen = generation(this.#spawn());
    await this.init({ ...setup.init, ...change });
    if (this.#hang) await this.#call((r) => r.simulateLoadHang(this.#hang!.match));
    const failed: string[] = [];
    if (setup.scorer) await this.loadScorer(...setup.scorer).catch((e: Error) => failed.push(`the reward model (${e.message})`));
    if (setup.generator) await this.loadGenerator(...setup.generator).catch((e: Error) => failed.push(`the generator (${e.message})`));
    if (failed.length) throw new EngineRestartedError(`the engine was restarted (${why}) and could not load ${failed.join(' or ')} again`);
  }
}

/** A reader source holds a function, which cannot be sent to a worker. */
function uiSource(source: ModelSource): UiSource {
  if (source.kind === 'reader') throw new BackendError('A reader source runs only in-thread (Node, tests): pass a URL, files or a stored family');
  return source;
}
