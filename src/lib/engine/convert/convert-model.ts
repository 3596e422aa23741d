// One entry point per variant name: bytes of a float32 VP-Score ONNX in, bytes of the variant out.
import { decodeModel, encodeModel } from './onnx-io.ts';
import { quantizeQ4 } from './quantize-q4.ts';
import { quantizeQ8 } from './quantize-q8.ts';
import { convertToFp16, rewriteToFp16 } from './to-fp16.ts';
import type { Model } from './onnx-io.ts';

export type Variant = 'fp16' | 'q8' | 'q4' | 'q4f16';
export const VARIANTS: readonly Variant[] = ['fp16', 'q8', 'q4', 'q4f16'];

/** q4 with fp16 activations (WebGPU with shader-f16): the q4 pass, then the fp16 rewrite on top. */
function toQ4f16(model: Model, source: string): Model {
  const m = rewriteToFp16(quantizeQ4(model, source), source);
  m.docString = (m.docString ?? '').replace('[converted to fp16 by preflens convert]', '[converted to q4f16 by preflens convert]');
  return m;
}

export function isVariant(s: string): s is Variant {
  return (VARIANTS as readonly string[]).includes(s);
}

/** Throws ConvertError when the bytes are not a float32 VP-Score graph. */
export function convertModel(bytes: Uint8Array, variant: Variant, source = 'model'): Uint8Array {
  const model = decodeModel(bytes);
  const pass = { fp16: convertToFp16, q8: quantizeQ8, q4: quantizeQ4, q4f16: toQ4f16 }[variant];
  return encodeModel(pass(model, source));
}
