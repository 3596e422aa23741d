// Deterministic inputs for calibration and tests: patterned images (no files, no decoding) and
// prompts framed the way ImageReward frames them ([CLS] … [SEP], padded with 0 to 35).
import { Tokenizer } from '@huggingface/tokenizers';
import { IMAGE_SIZE, MAX_LENGTH, PIXEL_MEAN, PIXEL_STD } from './config.ts';

type Rgb = [number, number, number];
/** Colour in [0,1]³ at pixel (x, y), both in [0,1). */
type Pattern = (x: number, y: number) => Rgb;

const stripes = (n: number, a: Rgb, b: Rgb, vertical: boolean): Pattern => (x, y) =>
  Math.floor((vertical ? x : y) * n) % 2 ? a : b;
const RED: Rgb = [0.9, 0.1, 0.1];
const GREEN: Rgb = [0.1, 0.8, 0.2];
const BLUE: Rgb = [0.1, 0.2, 0.9];
const WHITE: Rgb = [1, 1, 1];
const BLACK: Rgb = [0, 0, 0];
const YELLOW: Rgb = [0.95, 0.9, 0.1];

/** 16 patterns: flat colours, gradients, stripes, checkers, blocks, a disc, rings and a diagonal. */
export const PATTERNS: Pattern[] = [
  () => RED,
  () => BLUE,
  () => [0.5, 0.5, 0.5],
  (x) => [x, x, x],
  (x, y) => [x, y, 1 - x],
  (_, y) => [y, 0.3, 1 - y],
  stripes(8, WHITE, BLACK, true),
  stripes(4, RED, GREEN, false),
  stripes(28, BLUE, YELLOW, true),
  (x, y) => ((Math.floor(x * 7) + Math.floor(y * 7)) % 2 ? WHITE : BLACK),
  (x, y) => (x < 0.5 ? (y < 0.5 ? RED : GREEN) : y < 0.5 ? BLUE : YELLOW),
  (x, y) => ((x - 0.5) ** 2 + (y - 0.5) ** 2 < 0.09 ? YELLOW : BLUE),
  (x, y) => {
    const r = Math.hypot(x - 0.5, y - 0.5);
    return [0.5 + 0.5 * Math.sin(r * 40), 0.3, 0.5 - 0.5 * Math.sin(r * 40)];
  },
  (x, y) => (x > y ? GREEN : WHITE),
  (x, y) => [0.5 + 0.5 * Math.sin(x * 20), 0.5 + 0.5 * Math.cos(y * 13), 0.5 + 0.5 * Math.sin((x + y) * 7)],
  (x, y) => [((x * 997 + y * 113) * 37) % 1, ((x * 211 + y * 709) * 53) % 1, ((x * 439 + y * 331) * 71) % 1],
];

/** Normalised pixel_values [n,3,224,224] for the given pattern indices (CLIP mean/std, as the app). */
export function syntheticPixels(indices: number[]): Float32Array {
  // Imported bindings are getters under tsx/vitest; locals keep the 800k-pixel loop fast.
  const size = IMAGE_SIZE;
  const mean = [...PIXEL_MEAN];
  const std = [...PIXEL_STD];
  const plane = size * size;
  const out = new Float32Array(indices.length * 3 * plane);
  indices.forEach((p, n) => {
    const pattern = PATTERNS[p % PATTERNS.length];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const rgb = pattern(x / size, y / size);
        // Quantise to 8 bits like a decoded image, so the inputs are what the app could produce.
        for (let c = 0; c < 3; c++) {
          const v = Math.round(Math.min(1, Math.max(0, rgb[c])) * 255) / 255;
          out[(n * 3 + c) * plane + y * size + x] = (v - mean[c]) / std[c];
        }
      }
    }
  });
  return out;
}

/** Prompts of varied length, padding included; the last is long enough to be truncated at 35. */
export const CALIBRATION_PROMPTS = [
  'a red cat sitting on a green sofa',
  'two dogs playing in the snow, watercolor painting',
  'blue',
  'an old wooden house near a lake in autumn, oil painting, highly detailed, cinematic lighting, ' +
    'with a small boat, three ducks, a tall tree and a bright yellow moon above the mountains',
];

export interface EncodedPrompts {
  ids: BigInt64Array;
  mask: BigInt64Array;
}

/** [CLS] + up to 33 pieces + [SEP], padded with [PAD]=0 to 35, for each prompt. */
export function encodePrompts(tokenizerJson: object, prompts: string[]): EncodedPrompts {
  const tok = new Tokenizer(tokenizerJson, {});
  const ids = new BigInt64Array(prompts.length * MAX_LENGTH);
  const mask = new BigInt64Array(prompts.length * MAX_LENGTH);
  prompts.forEach((p, n) => {
    const inner = tok.encode(p, { add_special_tokens: false }).ids.slice(0, MAX_LENGTH - 2);
    const framed = [tok.token_to_id('[CLS]')!, ...inner, tok.token_to_id('[SEP]')!];
    framed.forEach((id, i) => {
      ids[n * MAX_LENGTH + i] = BigInt(id);
      mask[n * MAX_LENGTH + i] = 1n;
    });
  });
  return { ids, mask };
}
