// fast-png's decoded PNG → RgbImage. fast-png hands back the samples as stored in the file
// (packed 1/2/4-bit rows, palette indices, 16-bit words), so the colour-type handling lives here,
// following what PIL's .convert('RGB') gives for the same file:
//   grey 1/2/4-bit → scaled to 0..255 (×255, ×85, ×17), as PIL's "1", "L;2", "L;4" unpackers do;
//   palette → looked up; an index past the palette's end is black (PIL pads its palette with zeros);
//   16-bit → the high byte, as PIL's "RGB;16B" / "LA;16B" / "RGBA;16B" unpackers do;
//   alpha (channel, tRNS or palette alpha) → dropped, not composited.
// One deliberate difference: PIL opens 16-bit greyscale (no alpha) as mode "I" and its I→RGB
// conversion clips every value above 255 to white; we take the high byte like the other 16-bit
// types, because a near-white image would only produce a meaningless score.
import { decode as decodePng, type DecodedPng } from 'fast-png';
import type { RgbImage } from './rgb-image.ts';

/** Decode PNG bytes to RGB. Throws the library's Error for corrupt or truncated data. */
export function decodePngToRgb(bytes: Uint8Array): RgbImage {
  // CRCs are checked so a flipped bit is reported as corruption instead of silently changing pixels.
  return pngToRgb(decodePng(bytes, { checkCrc: true }));
}

export function pngToRgb(png: DecodedPng): RgbImage {
  const { width, height, depth, channels, data, palette } = png;
  const rowSamples = width * channels;
  // Rows of 1/2/4-bit samples are packed and padded to whole bytes.
  const rowLength = depth < 8 ? Math.ceil((rowSamples * depth) / 8) : rowSamples;
  if (data.length < rowLength * height) {
    throw new Error(`PNG image data is short: ${data.length} samples for ${width}×${height}`);
  }
  const out = new Uint8Array(width * height * 3);
  if (depth >= 8 && !palette) {
    copyChannels(data, depth === 16 ? 8 : 0, channels, out);
    return { width, height, data: out };
  }
  const sample = packedReader(data, depth, rowLength);
  // Packed grey is stretched to 0..255; palette indices are looked up.
  const scale = depth < 8 ? 255 / ((1 << depth) - 1) : 1;
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      const v = sample(y, x);
      if (!palette) {
        out[o] = out[o + 1] = out[o + 2] = v * scale;
        continue;
      }
      const color = palette[v];
      if (color) {
        out[o] = color[0];
        out[o + 1] = color[1];
        out[o + 2] = color[2];
      } // else: stays black
    }
  }
  return { width, height, data: out };
}

/** 8/16-bit grey, grey+alpha, RGB, RGBA → RGB: the hot path for real photos, kept branch-light. */
function copyChannels(data: DecodedPng['data'], shift: number, channels: number, out: Uint8Array): void {
  const n = out.length / 3;
  if (channels < 3) {
    for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
      out[o] = out[o + 1] = out[o + 2] = data[s] >> shift;
    }
    return;
  }
  for (let i = 0, s = 0, o = 0; i < n; i++, s += channels, o += 3) {
    out[o] = data[s] >> shift;
    out[o + 1] = data[s + 1] >> shift;
    out[o + 2] = data[s + 2] >> shift;
  }
}

/** (row, pixel) → the value of a one-channel image of any depth (grey or palette index). */
function packedReader(data: DecodedPng['data'], depth: number, rowLength: number): (y: number, x: number) => number {
  if (depth >= 8) return (y, x) => data[y * rowLength + x] >> (depth - 8);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  return (y, x) => {
    const byte = data[y * rowLength + Math.floor(x / perByte)];
    // Most significant bits first, as the PNG spec packs them.
    return (byte >> (8 - depth * ((x % perByte) + 1))) & mask;
  };
}
