import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits, toFloat32 } from '../../../src/lib/engine/runtime/float16.ts';

describe('float16 conversion', () => {
  it('encodes known half values exactly', () => {
    // 1 = 0x3c00, -2 = 0xc000, 65504 (max half) = 0x7bff, 2^-24 (smallest subnormal) = 0x0001.
    const bits = toFloat16Bits(new Float32Array([1, -2, 65504, 2 ** -24, 0]));
    expect(Array.from(bits)).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001, 0]);
    expect(Array.from(fromFloat16Bits(bits))).toEqual([1, -2, 65504, 2 ** -24, 0]);
  });
  it('round trips within half precision (relative 2^-11)', () => {
    const xs = new Float32Array(1000).map((_, i) => Math.sin(i) * 10 ** ((i % 7) - 3));
    const back = fromFloat16Bits(toFloat16Bits(xs));
    xs.forEach((x, i) => expect(Math.abs(back[i] - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 2 ** -25));
  });
  it('reads every float tensor layout ort returns', () => {
    expect(toFloat32(new Float32Array([1.5]))[0]).toBe(1.5);
    expect(toFloat32(new Uint16Array([0x3e00]))[0]).toBe(1.5);
    expect(() => toFloat32(new Int32Array(1))).toThrow(/float tensor/);
  });
});
