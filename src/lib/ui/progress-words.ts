// Progress in words, for the Models view's progress lines and the views that wait for the engine:
// a percentage, the time left, and what a checkpoint import is doing ("converting to q8 (pass 1 of 2)").
import type { ImportProgress } from '../worker/client.ts';

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
