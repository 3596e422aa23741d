// float16 <-> float32 for graphs whose inputs/outputs are float16 (fp16 SD-Turbo exports).
// ort-web takes float16 input as Uint16Array bits and returns float16 output as Float16Array where
// the runtime has it (Chromium) or Uint16Array bits (Node 20). The bit conversions come from
// @petamoriken/float16 (correct rounding, NaN/Inf/subnormals), not hand-written.
import { getFloat16, setFloat16 } from '@petamoriken/float16';

/** float32 values → IEEE half bits, rounded to nearest even. */
export function toFloat16Bits(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < src.length; i++) setFloat16(view, i * 2, src[i], true);
  return out;
}

/** Half bits → float32 values. */
export function fromFloat16Bits(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const view = new DataView(bits.buffer, bits.byteOffset, bits.byteLength);
  for (let i = 0; i < bits.length; i++) out[i] = getFloat16(view, i * 2, true);
  return out;
}

/** Any float tensor data ort may hand back (Float32Array, native Float16Array, Uint16Array bits). */
export function toFloat32(data: unknown): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array) return fromFloat16Bits(data);
  const F16 = (globalThis as { Float16Array?: new (...a: never[]) => ArrayLike<number> }).Float16Array;
  if (F16 && data instanceof F16) return Float32Array.from(data as ArrayLike<number>);
  throw new TypeError(`expected float tensor data, got ${Object.prototype.toString.call(data)}`);
}
