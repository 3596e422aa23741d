// The engine's one public API. The in-thread Engine (engine.ts: Node tests, CLI, bench, and inside
// the Web Worker) and the page's worker client (worker/client.ts) both implement it, so code that
// only needs "something that scores and generates" (eval runs, pair scoring, the CLI, the bench)
// depends on this interface and runs unchanged on either side of the worker boundary.
import type { BackendChoice, BackendPreference } from './runtime/backend-choice.ts';
import type { GpuLike } from './runtime/webgpu-probe.ts';
import type { OrtBuildName } from './runtime/ort-build.ts';
import type { ExternalDataForm } from './runtime/ort-session.ts';
import type { DecoderChoice, DtypeVariant } from './kinds/sd-turbo/manifest.ts';
import type { ImportProgress } from './kinds/vp-score/import/import-folder.ts';
import type { ImportedFamily, ImportRequest } from './families/family-import.ts';
import type { CheckpointStatus, GetProgress } from './families/checkpoint-get.ts';
import type { LoadProgress } from './model-files/load-progress.ts';
import type { FamilyStatus } from './families/family-store.ts';
import type { ModelSource } from './families/model-source.ts';
import type { VpDtype } from './kinds/vp-score/manifest.ts';
import type { Candidate, GenerateEvent, PromptTokens } from './generate/candidate-run.ts';
import type { GenerateRequest } from './generate/generate-request.ts';
import type { ImageInput, PromptInfo, ScoredImage, ScoreEvent, ScoreReport } from './score/score-report.ts';
import type { DownloadProgress, StorageInfo } from './store/model-store.ts';

export type { ModelSource, FamilyStatus, DownloadProgress, StorageInfo, GenerateRequest, GenerateEvent, Candidate };
export type { ImportRequest, ImportedFamily, ImportProgress, CheckpointStatus, GetProgress, LoadProgress };
export type { PromptTokens, PromptInfo, ScoreEvent, ScoreReport, ScoredImage, ImageInput, DtypeVariant, VpDtype };

export interface InitOptions {
  backend?: BackendPreference;
  numThreads?: number;
  /** For tests: a stand-in for navigator.gpu (in-thread only: it cannot cross to a worker). */
  gpu?: GpuLike;
  /** Node only: onnxruntime-node's native CPU EP instead of ort-web's WASM (`--runtime native`). */
  native?: boolean;
  /** Bench and tests: an onnxruntime-web build other than the one chosen for the EP. */
  ortBuild?: OrtBuildName;
  /** Stress script and tests: how external data reaches onnxruntime (ort-session.ts says which is the default and why). */
  externalData?: ExternalDataForm;
}

export interface EngineInfo extends BackendChoice {
  numThreads: number;
  /** Which runtime build runs the models, e.g. "onnxruntime-web (JSPI build)" (runtime/ort-build.ts). */
  runtime: string;
}

export interface LoadedModel {
  id: string;
  name: string;
  origin: string;
  dtype: VpDtype;
  modelBytes: number;
  maxBatch: number;
  /** Set when the shown score is the reward standardised over a reference set (VP-Score). */
  mean?: number;
  std?: number;
  loadMs: number;
}

/** `variant` forces a dtype variant; `decoder` picks the family's fast preview decoder ('full' by default). */
export interface GeneratorOptions {
  variant?: DtypeVariant;
  decoder?: DecoderChoice;
}

export interface LoadedGenerator {
  id: string;
  name: string;
  origin: string;
  variant: DtypeVariant;
  decoder: DecoderChoice;
  imageSize: number;
  loadMs: number;
}

export interface GenerateReport {
  /** Authoritative: through the worker, the last events may arrive after the call returns. */
  candidates: Candidate[];
  cancelled: boolean;
}

export interface ScoreRequest {
  prompt: string;
  images: ImageInput[];
  batchSize?: number;
  /**
   * Results already made for some of `images` (a run resumed on another backend): kept as they
   * are, only the other images are scored, and the report ranks them all together.
   */
  scored?: ScoredImage[];
}

export interface EngineApi {
  init(opts?: InitOptions): Promise<EngineInfo>;
  /** A `reader` source holds a function: in-thread only (the worker client refuses it). */
  loadScorer(source: ModelSource, opts?: { dtype?: VpDtype }, onProgress?: (p: LoadProgress) => void): Promise<LoadedModel>;
  /** The dtype variant is chosen for this backend unless forced; the family's own decoder unless `decoder: 'preview'`. */
  loadGenerator(source: ModelSource, opts?: GeneratorOptions, onProgress?: (p: LoadProgress) => void): Promise<LoadedGenerator>;

  /** A family's plan for this device (variant, files, sizes) and what of it is on disk. */
  inspectFamily(manifestUrl: string, opts?: { variant?: string }): Promise<FamilyStatus>;
  /**
   * Of these families, the downloaded generator this device runs best (the largest that runs here),
   * or null: read from the store only, no request.
   */
  bestGenerator(manifestUrls: string[]): Promise<FamilyStatus | null>;
  /** Download what is missing (resuming partial files); cancelDownload() stops it and keeps the bytes. */
  downloadFamily(manifestUrl: string, opts?: { variant?: string }, onProgress?: (p: DownloadProgress) => void): Promise<FamilyStatus>;
  cancelDownload(): Promise<void>;
  /**
   * An ImageReward-format checkpoint → a VP-Score family in the store (this device's dtype, and q8
   * for WASM), streamed: never the whole model in memory. cancelImport() stops it and removes what it wrote.
   */
  importCheckpoint(req: ImportRequest, onProgress?: (p: ImportProgress) => void): Promise<ImportedFamily>;
  cancelImport(): Promise<void>;
  /** A published checkpoint's manifest (manifests/imagereward.json): imported yet? its files on disk? */
  inspectCheckpoint(manifestUrl: string): Promise<CheckpointStatus>;
  /**
   * Download it (resumable), import it as above, and delete the download unless `keepSource`.
   * cancelImport() stops it: downloaded bytes stay, a half-made import is removed.
   */
  getCheckpoint(manifestUrl: string, opts: { keepSource: boolean }, onProgress?: (p: GetProgress) => void): Promise<ImportedFamily>;
  /** Free a kept or half-downloaded checkpoint's space; the model imported from it stays. */
  deleteCheckpointDownload(manifestUrl: string): Promise<void>;
  deleteFamily(manifestUrl: string): Promise<void>;
  storageInfo(): Promise<StorageInfo>;

  /** VP-Score's token count of a prompt (the UI warns before truncating). */
  promptInfo(prompt: string): Promise<PromptInfo>;
  /** The diffusion text encoder's token count of a prompt. */
  generatorPromptInfo(prompt: string): Promise<PromptTokens>;
  /** Candidates `from ?? 0`…n-1, each scored as it is made; a cancel keeps the finished ones. */
  generate(req: GenerateRequest, onEvent?: (e: GenerateEvent) => void): Promise<GenerateReport>;
  /** Score and rank; each image reported as it is done; a cancel keeps what was scored. */
  score(req: ScoreRequest, onEvent?: (e: ScoreEvent) => void): Promise<ScoreReport>;
  /** Stop the running batch between items. */
  cancel(): Promise<void>;
  /** Test hook: destroy the GPU device, as a driver reset would. */
  simulateGpuDeviceLoss(): Promise<boolean>;
  /**
   * Test hook: from now on a load whose source names `match` stops for good once its files are
   * read, as onnxruntime's session creation sometimes does (worker/load-guard.ts).
   */
  simulateLoadHang(match: string): Promise<void>;
  /**
   * Test hook: the next conversion holds the worker's thread (as a long converter pass does) once
   * its bar reaches `atFraction`, until the page sets `flag[0]` to 1 (a shared Int32Array).
   */
  simulateConvertHold(flag: Int32Array, atFraction: number): Promise<void>;
}
