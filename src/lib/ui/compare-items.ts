// What the Compare view holds per image: the user's File (never uploaded), a local object URL for
// the thumbnail, and the engine's result once it arrives.
import type { ScoredImage } from '../engine/score/vp-scorer.ts';

export interface CompareItem {
  id: number;
  file: File;
  name: string;
  url: string;
  result?: ScoredImage;
}

export const MIN_IMAGES = 2;
export const MAX_IMAGES = 64;

let nextId = 1;

export function makeItems(files: File[], room: number): { added: CompareItem[]; dropped: number } {
  const take = files.slice(0, Math.max(0, room));
  const added = take.map((file) => ({ id: nextId++, file, name: file.name, url: URL.createObjectURL(file) }));
  return { added, dropped: files.length - take.length };
}
