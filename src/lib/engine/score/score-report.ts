// What scoring takes and gives, whatever the judge: the images (never uploaded: a File or a Node
// Blob), each image's result or its own error, the prompt as the judge read it, and the timings.
/** Anything with a name, a size and bytes: a browser File, or a Node fs Blob. */
export interface ImageInput {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface ScoredImage {
  index: number;
  name: string;
  reward?: number;
  score?: number;
  error?: { name: string; message: string };
}

export interface PromptInfo {
  pieceCount: number;
  maxPieces: number;
  truncated: boolean;
  keptPieces: string[];
}

export type ScoreEvent =
  | { kind: 'prompt'; prompt: PromptInfo }
  | { kind: 'result'; item: ScoredImage; done: number; total: number }
  /** Sent by the worker client when a lost GPU device moved the rest of the batch to WASM. */
  | { kind: 'backend'; label: string; reason: string };

export interface StageTimings {
  readMs: number;
  decodeMs: number;
  preprocessMs: number;
  tokenizeMs: number;
  runMs: number;
  totalMs: number;
}

export interface ScoreReport {
  prompt: PromptInfo;
  results: ScoredImage[];
  /** ranks[i] for results[i]: 1 = best, ties share a rank, 0 = not scored. */
  ranks: number[];
  cancelled: boolean;
  timings: StageTimings;
}

export interface ScoreOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onEvent?: (e: ScoreEvent) => void;
}
