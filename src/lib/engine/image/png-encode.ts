// Generated candidates are kept and downloaded as PNG (pixels by fast-png), with what made them
// in iTXt chunks (UTF-8, so a prompt in any script reads as itself in other tools) placed before
// the image data. PNGs written before that kept it in tEXt chunks, Latin-1 only, with anything
// outside printable ASCII as \uXXXX (and a backslash doubled); pngMetadata() still reads those.
import { decode, encode } from 'fast-png';
import { insertAfterIhdr, iTXtChunk, readChunks, readTextChunk } from './png-chunks.ts';
import type { RgbImage } from './rgb-image.ts';

export type PngText = Record<string, string>;

/** Undo the old tEXt escaping (only tEXt chunks carry it; iTXt text is stored as is). */
function unescapeText(s: string): string {
  return s.replace(/\\(\\|u[0-9a-f]{4})/g, (_, e: string) => (e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16))));
}

export function encodePng(img: RgbImage, text: PngText = {}): Uint8Array {
  const png = encode({ width: img.width, height: img.height, data: img.data, channels: 3, depth: 8 });
  return insertAfterIhdr(png, Object.entries(text).map(([k, v]) => iTXtChunk(k, v)));
}

/** The text chunks of a PNG: iTXt as written, old-style escaped tEXt unescaped; iTXt wins a tie. */
export function pngMetadata(png: Uint8Array): PngText {
  const old: PngText = {};
  const utf8: PngText = {};
  for (const c of readChunks(png)) {
    if (c.type !== 'tEXt' && c.type !== 'iTXt') continue;
    const [k, v] = readTextChunk(c);
    if (c.type === 'tEXt') old[k] = unescapeText(v);
    else utf8[k] = v;
  }
  return { ...old, ...utf8 };
}

/** The same PNG with (more) text chunks: pixels are decoded and re-encoded losslessly. */
export function withPngText(png: Uint8Array, text: PngText): Uint8Array {
  const d = decode(png);
  if (d.channels !== 3 || d.depth !== 8) throw new Error('withPngText expects an 8-bit RGB PNG from encodePng');
  return encodePng({ width: d.width, height: d.height, data: d.data as Uint8Array }, { ...pngMetadata(png), ...text });
}
