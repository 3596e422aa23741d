// Generated candidates are kept and downloaded as PNG (fast-png), with what made them in tEXt
// chunks. tEXt is Latin-1 only, so anything outside printable ASCII (a prompt in another script)
// is stored as \\uXXXX (and a backslash doubled), read back by pngMetadata(): ASCII-safe and lossless.
import { decode, encode } from 'fast-png';
import type { RgbImage } from './rgb-image.ts';

export type PngText = Record<string, string>;

function escapeText(s: string): string {
  return s.replace(/[^\x20-\x7e]|\\/g, (c) => (c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

function unescapeText(s: string): string {
  return s.replace(/\\(\\|u[0-9a-f]{4})/g, (_, e: string) => (e === '\\' ? '\\' : String.fromCharCode(parseInt(e.slice(1), 16))));
}

export function encodePng(img: RgbImage, text: PngText = {}): Uint8Array {
  const safe = Object.fromEntries(Object.entries(text).map(([k, v]) => [k, escapeText(v)]));
  return encode({ width: img.width, height: img.height, data: img.data, channels: 3, depth: 8, text: safe });
}

/** The tEXt chunks of a PNG written by encodePng, unescaped. */
export function pngMetadata(png: Uint8Array): PngText {
  const text = decode(png).text ?? {};
  return Object.fromEntries(Object.entries(text).map(([k, v]) => [k, unescapeText(v)]));
}

/** The same PNG with (more) text chunks: pixels are decoded and re-encoded losslessly. */
export function withPngText(png: Uint8Array, text: PngText): Uint8Array {
  const d = decode(png);
  if (d.channels !== 3 || d.depth !== 8) throw new Error('withPngText expects an 8-bit RGB PNG from encodePng');
  return encodePng({ width: d.width, height: d.height, data: d.data as Uint8Array }, { ...pngMetadata(png), ...text });
}
