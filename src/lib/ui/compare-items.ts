// What the Compare view holds per image: the user's File (never uploaded), a local object URL for
// the thumbnail, and the engine's result once it arrives. A file the engine would refuse outright
// (not a PNG, JPEG or WebP by its first bytes; empty; over the size limit) is kept as a refused
// tile with the reason: it is not counted, not sent to the worker and not shown as an image.
import type { ScoredImage } from '../engine/score/score-report.ts';
import { ImageDecodeError, ImageTooLargeError, MAX_IMAGE_BYTES, UnsupportedImageTypeError } from '../engine/errors.ts';
import { sniffImageType } from '../engine/image/sniff.ts';

export interface CompareItem {
  id: number;
  file: File;
  name: string;
  /** Object URL of the thumbnail; '' for a refused file. */
  url: string;
  /** Why the file cannot be scored, said before scoring (the engine's own error for it). */
  refused?: { name: string; message: string };
  result?: ScoredImage;
}

export const MIN_IMAGES = 2;
export const MAX_IMAGES = 64;

let nextId = 1;

/** The engine's error for a file it would refuse by its size or first bytes, or undefined. */
export async function refusal(file: Blob & { name: string }): Promise<Error | undefined> {
  if (file.size > MAX_IMAGE_BYTES) return new ImageTooLargeError(file.name, `${(file.size / 1024 / 1024).toFixed(1)} MB`);
  if (file.size === 0) return new ImageDecodeError(file.name, 'the file is empty (0 bytes)');
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  return sniffImageType(head) ? undefined : new UnsupportedImageTypeError(file.name);
}

/** Items for `files`: at most `room` scorable ones (the rest `dropped`), and every refused one. */
export async function makeItems(files: File[], room: number): Promise<{ added: CompareItem[]; dropped: number }> {
  const refusals = await Promise.all(files.map(refusal));
  const added: CompareItem[] = [];
  let dropped = 0;
  files.forEach((file, i) => {
    const r = refusals[i];
    if (r) added.push({ id: nextId++, file, name: file.name, url: '', refused: { name: r.name, message: r.message } });
    else if (room-- > 0) added.push({ id: nextId++, file, name: file.name, url: URL.createObjectURL(file) });
    else dropped++;
  });
  return { added, dropped };
}
