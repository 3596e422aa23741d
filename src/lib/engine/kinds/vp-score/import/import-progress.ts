// An import's one progress bar, over every pass it runs: per dtype asked for, a converter pass
// (none for fp32, which is the checkpoint as it is), then the writing of that dtype's files. Each
// pass's share of the bar is the bytes it moves: a converter pass reads the float32 weights; a write
// writes the dtype's files, whose size is only known once its converter pass has run, so its share
// is estimated from the float32 bytes with WRITTEN_PER_FP32_BYTE. Within a pass the count is exact
// (weight bytes read, file bytes written), and a pass ends at the end of its share, so the bar only
// moves forward and reaches its total once, with the last written byte. Time left comes from the
// rate over the last seconds (transfer-rate.ts), as for a download.
import type { VpDtype } from '../manifest.ts';
import { TransferRate, type Transfer } from '../../../store/transfer-rate.ts';

/**
 * Bytes a dtype's files take per byte of float32 weights. Full-size ImageReward: fp32 1786 MB, q8
 * 450 MB, q4 290 MB (BENCHMARKS.md); fp16 halves, q4f16 is q4 with fp16 for what q4 keeps whole.
 */
export const WRITTEN_PER_FP32_BYTE: Record<VpDtype, number> = { fp32: 1, fp16: 0.5, q8: 0.25, q4: 0.16, q4f16: 0.16 };

export interface ImportPass {
  step: 'convert' | 'write';
  dtype: VpDtype;
  /** Its share of the bar, in bytes. */
  bytes: number;
}

/** `loaded` of `total`: bytes of all the passes (their shares), with the rate and time left. */
export interface ImportProgress extends Transfer {
  step: 'convert' | 'write';
  dtype: VpDtype;
  /** This pass, 1-based, of `passes`. */
  pass: number;
  passes: number;
}

/** The passes an import of `dtypes` runs, in order, with their shares. */
export function importPasses(dtypes: readonly VpDtype[], fp32Bytes: number): ImportPass[] {
  return dtypes.flatMap((dtype): ImportPass[] => [
    ...(dtype === 'fp32' ? [] : [{ step: 'convert' as const, dtype, bytes: fp32Bytes }]),
    { step: 'write', dtype, bytes: Math.max(1, Math.round(fp32Bytes * WRITTEN_PER_FP32_BYTE[dtype])) },
  ]);
}

export class ImportMeter {
  readonly total: number;
  readonly #starts: number[];
  readonly #rate: TransferRate;
  #loaded = 0;
  #pass = -1;

  constructor(readonly passes: readonly ImportPass[], private onProgress?: (p: ImportProgress) => void, now?: () => number) {
    let at = 0;
    this.#starts = passes.map((p) => (at += p.bytes) - p.bytes);
    this.total = at;
    this.#rate = new TransferRate(this.total, undefined, now);
  }

  /** The index of `dtype`'s `step` pass. */
  indexOf(step: ImportPass['step'], dtype: VpDtype): number {
    const i = this.passes.findIndex((p) => p.step === step && p.dtype === dtype);
    if (i < 0) throw new Error(`import progress: no ${step} pass for ${dtype}`);
    return i;
  }

  /** Pass `i` has done `done` of `of` (its own units); reported when the bar moves or the pass changes. */
  report(i: number, done: number, of: number): void {
    const p = this.passes[i];
    const part = of > 0 ? Math.min(1, Math.max(0, done / of)) : 1;
    const loaded = Math.max(this.#loaded, this.#starts[i] + Math.floor(p.bytes * part));
    if (loaded === this.#loaded && i === this.#pass) return;
    this.#loaded = loaded;
    this.#pass = i;
    this.onProgress?.({ step: p.step, dtype: p.dtype, pass: i + 1, passes: this.passes.length, ...this.#rate.update(loaded) });
  }
}
