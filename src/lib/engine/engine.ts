// The engine's public API: the same object runs inside the Web Worker (exposed by comlink),
// in Node tests, the CLI and the benchmarks. One backend, one scorer and one generator at a time.
// When the GPU device is lost mid-run, the models are re-opened on WASM and the run goes on.
import { chooseBackend, type BackendChoice, type BackendPreference } from './backend-choice.ts';
import { readDiffusionFolder, readDiffusionManifest } from './diffusion-folder.ts';
import { chooseVariant, type DtypeVariant } from './diffusion-manifest.ts';
import { BackendError, CancelledError, DeviceLostError } from './errors.ts';
import { generateCandidates, validateRequest, type Candidate, type GenerateEvent, type GenerateOptions, type PromptTokens } from './generate-run.ts';
import { SdGenerator } from './generator.ts';
import { filesReader, httpReader, readModelFolder, type ReadFile } from './model-folder.ts';
import { configureRuntime, webgpuDevice } from './ort-session.ts';
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

type Source = { read: ReadFile; origin: string };

export interface ScoreRequest {
  prompt: string;
  images: ImageInput[];
  batchSize?: number;
}

export class Engine {
  #info: EngineInfo | null = null;
  #scorer: VpScorer | null = null;
  #generator: SdGenerator | null = null;
  /** Where the loaded models came from, to re-open them on WASM after a GPU device loss. */
  #sources: { scorer?: Source; generator?: Source & { variant?: DtypeVariant } } = {};
  #deviceLost: string | null = null;
  #watching = false;
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
    const { read, origin } = toSource(source);
    const folder = await readModelFolder(read, origin);
    const scorer = await VpScorer.load(folder, info.ep);
    await this.#scorer?.release();
    this.#scorer = scorer;
    this.#sources.scorer = { read, origin };
    await this.#watchDevice();
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

  /** Load a diffusion family; `variant` forces fp32/fp16 (else chosen for this backend). */
  async loadGenerator(source: ModelSource, opts: { variant?: DtypeVariant } = {}): Promise<LoadedGenerator> {
    const t0 = performance.now();
    const src = { ...toSource(source), variant: opts.variant };
    const generator = await this.#openGenerator(src);
    await this.#generator?.release();
    this.#generator = generator;
    this.#sources.generator = src;
    await this.#watchDevice();
    const m = generator.manifest;
    return { id: m.id, name: m.name, origin: src.origin, variant: generator.variant, imageSize: m.imageSize, loadMs: performance.now() - t0 };
  }

  async #openGenerator(src: Source & { variant?: DtypeVariant }): Promise<SdGenerator> {
    const info = this.#requireInit();
    const manifest = await readDiffusionManifest(src.read, src.origin);
    const variant = chooseVariant(manifest, info.ep, info.adapter?.shaderF16 ?? false, src.variant);
    return SdGenerator.load(await readDiffusionFolder(src.read, src.origin, manifest, variant), info.ep);
  }

  /** Token count of a prompt for the diffusion text encoder (the UI warns before truncating). */
  generatorPromptInfo(prompt: string): PromptTokens {
    const { tokenCount, maxTokens, truncated } = this.#requireGenerator().tokenize(prompt);
    return { tokenCount, maxTokens, truncated };
  }

  /**
   * Generate N candidates, scoring each as it is made. A cancel keeps the finished ones. A lost GPU
   * device moves the models to WASM (one retry of the candidate that was running), said in a
   * 'backend' event.
   */
  async generate(o: GenerateOptions, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport> {
    validateRequest(o);
    this.#requireGenerator();
    const abort = this.#newRun();
    const candidates: Candidate[] = [];
    let movedToWasm = false;
    const emit = (e: GenerateEvent) => {
      // Between UNet steps: do not hand more work to a device that is gone.
      if (this.#deviceLost && this.#info?.ep === 'webgpu') throw new DeviceLostError(this.#deviceLost);
      onEvent?.(e);
    };
    try {
      for (;;) {
        try {
          const ctx = { generator: this.#generator!, scorer: this.#scorer, signal: abort.signal, emit };
          const r = await generateCandidates(ctx, o, candidates.length);
          candidates.push(...r.candidates);
          return { candidates, cancelled: r.cancelled };
        } catch (e) {
          candidates.push(...((e as { finished?: Candidate[] }).finished ?? []));
          if (movedToWasm || this.#info?.ep !== 'webgpu' || !(this.#deviceLost || looksLikeDeviceLoss(e))) throw e;
          movedToWasm = true;
          const reason = `GPU device lost (${this.#deviceLost ?? (e as Error).message})`;
          await this.#moveToWasm(reason);
          onEvent?.({ kind: 'backend', label: this.#info.label, reason: `${reason}: continuing on WASM` });
        }
      }
    } finally {
      if (this.#abort === abort) this.#abort = null;
    }
  }

  /** Test hook: destroy ort's GPU device, as a driver reset would. */
  async simulateGpuDeviceLoss(): Promise<boolean> {
    const device = this.#info?.ep === 'webgpu' ? await webgpuDevice() : undefined;
    device?.destroy();
    return !!device;
  }

  async #watchDevice(): Promise<void> {
    if (this.#watching || this.#info?.ep !== 'webgpu') return;
    const device = await webgpuDevice();
    if (!device) return;
    this.#watching = true;
    void device.lost.then((l) => {
      this.#deviceLost = l.message || l.reason || 'unknown reason';
    });
  }

  async #moveToWasm(reason: string): Promise<void> {
    const info = this.#requireInit();
    const release = (m: { release(): Promise<void> } | null) => m?.release().catch(() => undefined);
    await Promise.all([release(this.#scorer), release(this.#generator)]);
    this.#scorer = null;
    this.#generator = null;
    this.#info = { ...info, ep: 'wasm', reason, label: `WASM (${reason})` };
    const { scorer, generator } = this.#sources;
    if (scorer) this.#scorer = await VpScorer.load(await readModelFolder(scorer.read, scorer.origin), 'wasm');
    if (generator) this.#generator = await this.#openGenerator(generator);
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

function toSource(source: ModelSource): Source {
  if (source.kind === 'url') return { read: httpReader(source.baseUrl), origin: source.baseUrl.replace(/\/$/, '') };
  if (source.kind === 'files') return { read: filesReader(source.files, source.folderName), origin: source.folderName };
  return { read: source.read, origin: source.origin };
}

/** ort surfaces a lost device as assorted WebGPU errors; these words are what they share. */
function looksLikeDeviceLoss(e: unknown): boolean {
  return /device (is |was )?(lost|destroyed)|lost device|GPUDevice.*(lost|destroyed)/i.test(String((e as Error)?.message ?? e));
}
