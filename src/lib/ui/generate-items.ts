// What the Generate view holds per candidate: its progress while it is made, then the engine's
// Candidate with its PNG as a Blob + object URL (compressed; the float tensors stay in the worker).
import type { Candidate } from '../worker/client.ts';

export interface CandidateItem {
  /** Position in the run (0…N-1); also what "regenerate" replaces. */
  index: number;
  seed: number;
  step: number;
  steps: number;
  candidate?: Candidate;
  blob?: Blob;
  url?: string;
}

export function pendingItems(n: number, seedOf: (i: number) => number, steps: number): CandidateItem[] {
  return Array.from({ length: n }, (_, index) => ({ index, seed: seedOf(index), step: 0, steps }));
}

export function withCandidate(item: CandidateItem, candidate: Candidate): CandidateItem {
  if (item.url) URL.revokeObjectURL(item.url);
  const blob = new Blob([candidate.png as Uint8Array<ArrayBuffer>], { type: 'image/png' });
  return { ...item, seed: candidate.seed, step: candidate.steps, steps: candidate.steps, candidate, blob, url: URL.createObjectURL(blob) };
}

export function releaseItems(items: CandidateItem[]): void {
  for (const it of items) if (it.url) URL.revokeObjectURL(it.url);
}

/** Download name: prompt words and seed, safe for every file system. */
export function downloadName(prompt: string, seed: number): string {
  const words = prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `preflens-${words || 'image'}-${seed}.png`;
}
