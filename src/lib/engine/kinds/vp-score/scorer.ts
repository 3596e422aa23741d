// VP-Score: (prompt, images) → raw reward → shown score, in batches. A bad image is reported on
// its own row and the others are still scored; a cancel stops between items and keeps what was
// scored. Stage timings are collected so benchmarks can show the time spent outside session.run.
import { checkContract, VP_SCORE_CONTRACT } from '../../runtime/contract.ts';
import { CancelledError, ImageTooLargeError, MAX_IMAGE_BYTES, PrefLensError } from '../../errors.ts';
import { decodeImage } from '../../image/decode.ts';
import { IMAGE_TENSOR_SIZE, preprocessImage } from '../../image/preprocess.ts';
import type { VpScoreManifest } from './manifest.ts';
import type { VpScoreFolder } from './folder.ts';
import { createSession, run, tensor, type InferenceSession } from '../../runtime/ort-session.ts';
import { normalizeReward } from '../../score/rank.ts';
import { BertPromptTokenizer, type TokenizedPrompt } from '../../text/bert-tokenizer.ts';
import type { RgbImage } from '../../image/rgb-image.ts';
import type { EpName } from '../../runtime/backend-choice.ts';
import type { ImageInput, PromptInfo, ScoredImage, ScoreOptions, ScoreReport, StageTimings } from '../../score/score-report.ts';
import type { Judge, JudgeScore } from '../../score/judge.ts';

const now = () => performance.now();

/**
 * One image per run unless asked otherwise. A q8 graph quantizes activations over the whole batch,
 * so at batch 8 an image's score moved with the other images in its batch (by 1.2e-2 on the tiny
 * imported model); at batch 1 every path (Compare, Generate, the CLI, pairs) gives an image the same
 * score, and results and progress arrive per image. It costs little: full-size q8 in Chromium, 2
 * threads, 3668 ms/image at batch 1 vs 3053 at batch 8 (BENCHMARKS.md). float32 gives bit-identical
 * rewards at any batch size.
 */
export const DEFAULT_BATCH = 1;

export class VpScorer implements Judge {
  readonly kind = 'vp-score';
  readonly id: string;
  readonly name: string;
  readonly normalization: { mean: number; std: number };

  private constructor(
    readonly manifest: VpScoreManifest,
    private readonly session: InferenceSession,
    private readonly tokenizer: BertPromptTokenizer,
    readonly maxBatch: number,
  ) {
    this.id = manifest.id;
    this.name = manifest.name;
    this.normalization = { mean: manifest.mean, std: manifest.std };
  }

  static async load(folder: Omit<VpScoreFolder, 'dtype'>, ep: EpName): Promise<VpScorer> {
    const file = `${folder.origin}/${folder.manifest.files.model}`;
    const tokenizer = new BertPromptTokenizer(folder.tokenizerJson, folder.manifest.maxLength);
    const session = await createSession(folder.modelBytes, ep, file, { externalData: folder.externalData });
    try {
      const { maxBatch } = checkContract(session, VP_SCORE_CONTRACT, file);
      return new VpScorer(folder.manifest, session, tokenizer, maxBatch);
    } catch (e) {
      await session.release();
      throw e;
    }
  }

  /** Tokenize only: the UI uses it to warn about truncation while the user types. */
  promptInfo(prompt: string): PromptInfo {
    const t = this.tokenizer.encode(prompt);
    return { pieceCount: t.pieceCount, maxPieces: this.manifest.maxLength - 2, truncated: t.truncated, keptPieces: t.keptPieces };
  }

  /** Every image's result in input order; ranking them is the engine's (Engine.score). */
  async score(prompt: string, images: readonly ImageInput[], opts: ScoreOptions = {}): Promise<Omit<ScoreReport, 'ranks'>> {
    const t0 = now();
    const timings: StageTimings = { readMs: 0, decodeMs: 0, preprocessMs: 0, tokenizeMs: 0, runMs: 0, totalMs: 0 };
    const tok = this.tokenizer.encode(prompt);
    const promptInfo: PromptInfo = {
      pieceCount: tok.pieceCount,
      maxPieces: this.manifest.maxLength - 2,
      truncated: tok.truncated,
      keptPieces: tok.keptPieces,
    };
    timings.tokenizeMs = now() - t0;
    opts.onEvent?.({ kind: 'prompt', prompt: promptInfo });

    const batchSize = Math.max(1, Math.min(opts.batchSize ?? DEFAULT_BATCH, this.maxBatch));
    const results: ScoredImage[] = images.map((img, index) => ({ index, name: img.name }));
    let done = 0;
    let cancelled = false;
    const report = (item: ScoredImage) => opts.onEvent?.({ kind: 'result', item, done: ++done, total: images.length });

    for (let start = 0; start < images.length && !cancelled; start += batchSize) {
      const slice = images.slice(start, start + batchSize);
      const pixels = new Float32Array(slice.length * IMAGE_TENSOR_SIZE);
      const ready: number[] = [];
      for (let j = 0; j < slice.length; j++) {
        if (opts.signal?.aborted) {
          cancelled = true;
          break;
        }
        try {
          await this.prepare(slice[j], pixels, ready.length * IMAGE_TENSOR_SIZE, timings);
          ready.push(start + j);
        } catch (e) {
          results[start + j].error = errorInfo(e);
          report(results[start + j]);
        }
      }
      if (cancelled || ready.length === 0) continue;
      const tr = now();
      const rewards = await this.rewards(pixels, ready.length, tok);
      timings.runMs += now() - tr;
      ready.forEach((idx, k) => {
        results[idx].reward = rewards[k];
        results[idx].score = normalizeReward(rewards[k], this.manifest.mean, this.manifest.std);
        report(results[idx]);
      });
      if (opts.signal?.aborted) cancelled = true;
    }
    timings.totalMs = now() - t0;
    return { prompt: promptInfo, results, cancelled, timings };
  }

  /** One image already in memory (a generated candidate): no file to read or decode. */
  async scoreImage(prompt: string, image: RgbImage): Promise<{ reward: number; score: number }> {
    const pixels = new Float32Array(IMAGE_TENSOR_SIZE);
    preprocessImage(image, pixels, 0);
    const [reward] = await this.rewards(pixels, 1, this.tokenizer.encode(prompt));
    return { reward, score: normalizeReward(reward, this.manifest.mean, this.manifest.std) };
  }

  private async rewards(pixels: Float32Array, n: number, tok: TokenizedPrompt): Promise<Float32Array> {
    const out = await run(this.session, {
      pixel_values: tensor('float32', pixels.subarray(0, n * IMAGE_TENSOR_SIZE), [n, 3, 224, 224]),
      input_ids: tensor('int64', repeat(tok.inputIds, n), [n, tok.inputIds.length]),
      attention_mask: tensor('int64', repeat(tok.attentionMask, n), [n, tok.attentionMask.length]),
    });
    const rewards = (out.reward.data as Float32Array).slice();
    out.reward.dispose();
    return rewards;
  }

  private async prepare(img: ImageInput, into: Float32Array, offset: number, timings: StageTimings): Promise<void> {
    if (img.size > MAX_IMAGE_BYTES) {
      throw new ImageTooLargeError(img.name, `${(img.size / 1024 / 1024).toFixed(1)} MB`);
    }
    let t = now();
    const bytes = new Uint8Array(await img.arrayBuffer());
    timings.readMs += now() - t;
    t = now();
    const rgb = await decodeImage(bytes, img.name);
    timings.decodeMs += now() - t;
    t = now();
    preprocessImage(rgb, into, offset);
    timings.preprocessMs += now() - t;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function repeat(row: BigInt64Array, n: number): BigInt64Array {
  const out = new BigInt64Array(row.length * n);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
}

function errorInfo(e: unknown): { name: string; message: string } {
  if (e instanceof CancelledError) throw e;
  if (e instanceof PrefLensError) return { name: e.name, message: e.message };
  const err = e as Error;
  return { name: err?.name ?? 'Error', message: err?.message ?? String(e) };
}
