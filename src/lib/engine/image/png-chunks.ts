// PNG chunks by hand, for text metadata only. fast-png (8.0.0, the newest) writes only Latin-1
// tEXt and writes it after IDAT; a prompt is UTF-8 text, and a reader that stops at the image
// data (streaming ones do) should still see it. An iTXt chunk is small enough to
// write here: keyword, NUL, compression flag 0, method 0, empty language tag, NUL, empty
// translated keyword, NUL, UTF-8 text (PNG spec 11.3.3.4). Pixels stay fast-png's business.
import { unzlibSync } from 'fflate';

export interface PngChunk {
  type: string;
  data: Uint8Array;
  /** Offset of the chunk's length field in the file. */
  start: number;
  /** Offset just past its CRC. */
  end: number;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The chunks of a PNG, in file order (CRCs are not checked: fast-png checks them when decoding). */
export function readChunks(png: Uint8Array): PngChunk[] {
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG file (no PNG signature)');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  for (let at = 8; at < png.length; ) {
    if (at + 12 > png.length) throw new Error(`PNG truncated inside a chunk header at byte ${at}`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const end = at + 12 + length;
    if (end > png.length) throw new Error(`PNG truncated: chunk ${type} at byte ${at} needs ${length} bytes`);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length), start: at, end });
    at = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

// PNG keywords: 1–79 printable Latin-1 characters, no leading, trailing or double spaces.
function checkKeyword(k: string): void {
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(k) || /^ | $|  /.test(k))
    throw new Error(`PNG text keyword ${JSON.stringify(k)} must be 1–79 printable Latin-1 characters`);
}

/** An uncompressed iTXt chunk holding `text` as UTF-8. */
export function iTXtChunk(keyword: string, text: string): Uint8Array {
  checkKeyword(keyword);
  const key = Uint8Array.from(keyword, (c) => c.charCodeAt(0));
  const body = new TextEncoder().encode(text);
  const data = new Uint8Array(key.length + 5 + body.length);
  data.set(key, 0); // then NUL, flag 0, method 0, NUL (no language), NUL (no translated keyword)
  data.set(body, key.length + 5);
  return chunk('iTXt', data);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** [keyword, text] of a tEXt or iTXt chunk (iTXt compressed or not). */
export function readTextChunk(c: PngChunk): [string, string] {
  const nul = c.data.indexOf(0);
  if (nul < 1) throw new Error(`PNG ${c.type} chunk at byte ${c.start} has no keyword`);
  const keyword = latin1.decode(c.data.subarray(0, nul));
  if (c.type === 'tEXt') return [keyword, latin1.decode(c.data.subarray(nul + 1))];
  const compressed = c.data[nul + 1] === 1;
  const langEnd = c.data.indexOf(0, nul + 3);
  const transEnd = langEnd < 0 ? -1 : c.data.indexOf(0, langEnd + 1);
  if (transEnd < 0) throw new Error(`PNG iTXt chunk ${JSON.stringify(keyword)} is cut short`);
  const body = c.data.subarray(transEnd + 1);
  return [keyword, utf8.decode(compressed ? unzlibSync(body) : body)];
}

/** The PNG with `chunks` inserted right after IHDR, before any image data. */
export function insertAfterIhdr(png: Uint8Array, chunks: Uint8Array[]): Uint8Array {
  const ihdr = readChunks(png)[0];
  if (ihdr?.type !== 'IHDR') throw new Error('PNG does not start with an IHDR chunk');
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(png.length + size);
  out.set(png.subarray(0, ihdr.end), 0);
  let at = ihdr.end;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  out.set(png.subarray(ihdr.end), at);
  return out;
}
