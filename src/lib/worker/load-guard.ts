// A model load that never finishes must not leave the user stuck. onnxruntime-web's session
// creation with external data and several threads can wait forever at 0 % CPU (issue 23;
// microsoft/onnxruntime#26858, closed upstream unfixed), so the client bounds every load: the bound
// restarts with each progress event and grows with the bytes read so far, and a load that outlives
// it is abandoned with LoadTimeoutError (the client then starts a fresh worker). See
// docs/model-loading.md for the measurements behind the numbers.
import { LoadTimeoutError } from '../engine/errors.ts';
import type { LoadProgress } from '../engine/model-files/load-progress.ts';
import type { EpName } from '../engine/runtime/backend-choice.ts';

/**
 * The quiet time a load may take after its last progress event: a base, plus time per GB read so
 * far (the session is built from those bytes). WebGPU gets three times as long: its shaders are
 * compiled while the session is built, slowly on a software adapter.
 */
export const LOAD_BOUND = { baseMs: 30_000, perGbMs: 60_000, webgpuFactor: 3 } as const;

export function loadBoundMs(bytesRead: number, ep: EpName): number {
  const ms = LOAD_BOUND.baseMs + (bytesRead / 1e9) * LOAD_BOUND.perGbMs;
  return Math.round(ep === 'webgpu' ? ms * LOAD_BOUND.webgpuFactor : ms);
}

/**
 * Run `load` (which reports through the progress callback it is given) and reject with
 * LoadTimeoutError once it has been quiet for longer than `boundMs(bytes read so far)`.
 */
export function guardedLoad<T>(
  load: (onProgress: (p: LoadProgress) => void) => Promise<T>,
  boundMs: (bytesRead: number) => number,
  onProgress?: (p: LoadProgress) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let bytes = 0;
    let last = 'the model files';
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const arm = () => {
      clearTimeout(timer);
      // Progress messages travel on their own port and may arrive after the result.
      if (settled) return;
      const ms = boundMs(bytes);
      timer = setTimeout(() => reject(new LoadTimeoutError(last, ms)), ms);
    };
    arm();
    load((p) => {
      if (p.step === 'prepare') bytes += p.bytes ?? 0;
      last = p.file;
      arm();
      onProgress?.(p);
    }).then(resolve, reject).finally(() => {
      settled = true;
      clearTimeout(timer);
    });
  });
}
