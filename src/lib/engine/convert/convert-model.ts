// One entry point per variant name: bytes of a float32 VP-Score ONNX in, bytes of the variant out.
import { decodeModel, encodeModel } from '../runtime/onnx-io.ts';
import { quantizeQ4Steps } from './quantize-q4.ts';
import { quantizeQ8Steps } from './quantize-q8.ts';
import { runSteps, type Steps } from './steps.ts';
import { convertToFp16Steps, rewriteToFp16Steps } from './to-fp16.ts';
import type { Model } from '../runtime/onnx-io.ts';
import { inMemory, type TensorStore } from './tensor-store.ts';

export type Variant = 'fp16' | 'q8' | 'q4' | 'q4f16';
export const VARIANTS: readonly Variant[] = ['fp16', 'q8', 'q4', 'q4f16'];

/** q4 with fp16 activations (WebGPU with shader-f16): the q4 pass, then the fp16 rewrite on top. */
function* toQ4f16(model: Model, source: string, store: TensorStore): Steps<Model> {
  const m = yield* rewriteToFp16Steps(yield* quantizeQ4Steps(model, source, { store }), source, store);
  m.docString = (m.docString ?? '').replace('[converted to fp16 by preflens convert]', '[converted to q4f16 by preflens convert]');
  return m;
}

export function isVariant(s: string): s is Variant {
  return (VARIANTS as readonly string[]).includes(s);
}

/** The variant's pass over a float32 VP-Score model (changed in place and returned). */
export function convertPass(model: Model, variant: Variant, source = 'model', store: TensorStore = inMemory): Model {
  return runSteps(convertPassSteps(model, variant, source, store));
}

/** The same pass, yielding after each weight it converts (steps.ts: what lets an import stop mid-pass). */
export function* convertPassSteps(model: Model, variant: Variant, source = 'model', store: TensorStore = inMemory): Steps<Model> {
  switch (variant) {
    case 'fp16': return yield* convertToFp16Steps(model, source, store);
    case 'q8': return yield* quantizeQ8Steps(model, source, { store });
    case 'q4': return yield* quantizeQ4Steps(model, source, { store });
    case 'q4f16': return yield* toQ4f16(model, source, store);
  }
}

/** Throws ConvertError when the bytes are not a float32 VP-Score graph. */
export function convertModel(bytes: Uint8Array, variant: Variant, source = 'model'): Uint8Array {
  return encodeModel(convertPass(decodeModel(bytes), variant, source));
}
