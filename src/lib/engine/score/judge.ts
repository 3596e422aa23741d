// A judge: any reward model of the panel, whatever its kind (kinds/registry.ts). The engine, the
// generation run and the scoring code talk to this, never to a kind's own class.
import type { RgbImage } from '../image/rgb-image.ts';
import type { ImageInput, PromptInfo, ScoreOptions, ScoreReport } from './score-report.ts';

/** A judge's number for one image: the model's raw output and the score shown for it. */
export interface JudgeScore {
  reward: number;
  score: number;
}

export interface Judge {
  /** The manifest's id: what results, PNG metadata and exports name the judge by. */
  readonly id: string;
  readonly name: string;
  /** The manifest kind (a registry row). */
  readonly kind: string;
  /** When the shown score is the raw reward standardised over a reference set: (reward − mean) / std. */
  readonly normalization?: { mean: number; std: number };
  /** The largest batch its graphs take. */
  readonly maxBatch: number;
  /** How the judge reads a prompt (the UI warns before it is truncated). */
  promptInfo(prompt: string): PromptInfo;
  /** Every image's result in input order: a bad image fails on its own row; a cancel keeps what is done. */
  score(prompt: string, images: readonly ImageInput[], opts?: ScoreOptions): Promise<Omit<ScoreReport, 'ranks'>>;
  /** One image already in memory (a generated candidate). */
  scoreImage(prompt: string, image: RgbImage): Promise<JudgeScore>;
  release(): Promise<void>;
}
