// Progress in words, for the Models view's progress lines and the views that wait for the engine:
// a percentage, the time left, what a checkpoint import is doing ("converting to q8 (pass 1 of 2)"),
// and what a run waits for while the engine is busy with one.
import type { ImportProgress } from '../worker/client.ts';
import type { EngineWork } from './engine-state.svelte.ts';

export const percent = (done: number, total: number): number => (total ? Math.floor((100 * done) / total) : 0);

export function timeLeft(sec: number | null): string {
  if (sec === null) return '…';
  if (sec < 90) return `${Math.ceil(sec)} s`;
  return sec < 5400 ? `${Math.round(sec / 60)} min` : `${(sec / 3600).toFixed(1)} h`;
}

/** "converting to q8" / "writing the q8 model". */
export function importStep(p: ImportProgress): string {
  return p.step === 'convert' ? `converting to ${p.dtype}` : `writing the ${p.dtype} model`;
}

/** "Converting to q8 (pass 1 of 2) · 37 % · 40 s left". */
export function importLine(p: ImportProgress): string {
  const step = importStep(p);
  return `${step[0].toUpperCase()}${step.slice(1)} (pass ${p.pass} of ${p.passes}) · ${percent(p.loaded, p.total)} % · ${timeLeft(p.etaSeconds)} left`;
}

/**
 * What a score or generate call waiting behind an import says: "Waiting: the engine is converting
 * ImageReward v1.0 to q8 (40 %)…".
 */
export function engineBusyLine(w: EngineWork): string {
  const p = w.progress;
  const doing = !p ? `starting to import ${w.name}`
    : p.step === 'download' ? (p.hashed !== undefined ? `checking the download of ${w.name} (sha256, ${percent(p.hashed, p.fileTotal)} %)` : `downloading ${w.name} (${percent(p.loaded, p.total)} %)`)
    : p.step === 'convert' ? `converting ${w.name} to ${p.dtype} (${percent(p.loaded, p.total)} %)`
    : `writing ${w.name}'s ${p.dtype} model (${percent(p.loaded, p.total)} %)`;
  return `Waiting: the engine is ${doing}…`;
}
