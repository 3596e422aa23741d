// The UI's handle on the worker: a typed async API over comlink. Callbacks cross as
// comlink proxies; errors are rebuilt into the engine's classes (comlink keeps only name/message).
import * as Comlink from 'comlink';
import type {
  Engine, EngineInfo, GenerateReport, InitOptions, LoadedGenerator, LoadedModel, ModelSource, ScoreRequest,
} from '../engine/engine.ts';
import type { PromptInfo, ScoreEvent, ScoreReport } from '../engine/scorer.ts';
import type { Candidate, GenerateEvent, GenerateOptions, PromptTokens } from '../engine/generate-run.ts';
import type { DtypeVariant } from '../engine/diffusion-manifest.ts';
import { rebuildError } from '../engine/errors.ts';

export type { EngineInfo, LoadedModel, ScoreEvent, ScoreReport, PromptInfo };
export type { Candidate, GenerateEvent, GenerateOptions, GenerateReport, LoadedGenerator, PromptTokens, DtypeVariant };

type Remote = Comlink.Remote<Engine>;

export class EngineClient {
  readonly #worker: Worker;
  readonly #remote: Remote;

  constructor(worker?: Worker) {
    this.#worker = worker ?? new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'preflens-engine' });
    this.#remote = Comlink.wrap<Engine>(this.#worker);
  }

  init(opts: Omit<InitOptions, 'gpu'> = {}): Promise<EngineInfo> {
    return call(() => this.#remote.init(opts));
  }

  loadScorer(source: Exclude<ModelSource, { kind: 'reader' }>): Promise<LoadedModel> {
    return call(() => this.#remote.loadScorer(source));
  }

  promptInfo(prompt: string): Promise<PromptInfo> {
    return call(() => this.#remote.promptInfo(prompt));
  }

  score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport> {
    return call(() => this.#remote.score(req, onEvent ? Comlink.proxy(onEvent) : undefined));
  }

  loadGenerator(source: Exclude<ModelSource, { kind: 'reader' }>, opts: { variant?: DtypeVariant } = {}): Promise<LoadedGenerator> {
    return call(() => this.#remote.loadGenerator(source, opts));
  }

  generatorPromptInfo(prompt: string): Promise<PromptTokens> {
    return call(() => this.#remote.generatorPromptInfo(prompt));
  }

  generate(o: GenerateOptions, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport> {
    return call(() => this.#remote.generate(o, onEvent ? Comlink.proxy(onEvent) : undefined));
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
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw rebuildError(e);
  }
}
