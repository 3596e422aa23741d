// Convolutional building blocks of the UNet and VAE as plain opset-17 ops that both of
// onnxruntime-web's execution providers implement (docs/webgpu-operators.md in the package):
// GroupNormalization is NOT among the WebGPU kernels, so GroupNorm is written the way PyTorch exports
// it below opset 18: Reshape to [B, groups, -1], InstanceNormalization, Reshape back, per-channel
// affine. Normalisation statistics run in float32 even in the fp16 graphs (a Cast on each side):
// a sum of squares over one group, 4 channels × 64 positions of activations around 10, is 25,600,
// already 40% of float16's largest value, and EPs may accumulate in the input's type.
import { attrF, attrI, attrInts } from '../../src/lib/engine/convert/graph-builder.ts';
import type { TypedGraph } from './typed-graph.ts';
import type { ConvW, GroupNormW, LayerNormW, Linear, ResBlockW } from './weights.ts';

/** How a 3×3 conv sees beyond the border: zeros (Conv's own padding) or the edge row repeated. */
export type Padding = 'zeros' | 'edge';

export function conv(g: TypedGraph, name: string, w: ConvW, x: string, stride = 1, padding: Padding = 'zeros'): string {
  const input = padding === 'edge' ? padEdge(g, x) : x;
  return g.b.op('Conv', [input, g.weight(`${name}.weight`, w.w), g.weight(`${name}.bias`, w.b)], {
    kernel_shape: attrInts([3, 3]),
    pads: attrInts(padding === 'edge' ? [0, 0, 0, 0] : [1, 1, 1, 1]),
    strides: attrInts([stride, stride]),
  });
}

/**
 * Replicates the outer row and column of [B,C,H,W] (Pad's mode="edge"), built from Slice and
 * Concat because GraphBuilder writes no string attributes. Zero padding would fade every decoded
 * image towards grey at the border: each blur-like VAE conv loses a quarter of its weight there.
 */
function padEdge(g: TypedGraph, x: string): string {
  const b = g.b;
  let y = x;
  for (const axis of [2, 3]) {
    const first = b.op('Slice', [y, g.ints([0]), g.ints([1]), g.ints([axis])]);
    const last = b.op('Slice', [y, g.ints([-1]), g.ints([2 ** 31 - 1]), g.ints([axis])]);
    y = b.op('Concat', [first, y, last], { axis: attrI(axis) });
  }
  return y;
}

export function linear(g: TypedGraph, name: string, w: Linear, x: string): string {
  return g.b.op('Add', [g.b.op('MatMul', [x, g.weight(`${name}.weight`, w.w)]), g.weight(`${name}.bias`, w.b)]);
}

/** SiLU as x·sigmoid(x): there is no SiLU op in ONNX, and this is what exporters emit. */
export function silu(g: TypedGraph, x: string): string {
  return g.b.op('Mul', [x, g.b.op('Sigmoid', [x])]);
}

/** GroupNorm over `x` [B,C,H,W] with `groups` groups; `shape` = [C,H,W] (static in these graphs). */
export function groupNorm(g: TypedGraph, name: string, w: GroupNormW, x: string, groups: number, shape: number[], eps: number): string {
  const b = g.b;
  const ones = g.weight32(`${name}.in_scale`, { shape: [groups], data: new Float32Array(groups).fill(1) });
  const zeros = g.weight32(`${name}.in_bias`, { shape: [groups], data: new Float32Array(groups) });
  const grouped = b.op('Reshape', [g.toF32(x), g.ints([0, groups, -1])]);
  const normed = b.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: attrF(eps) });
  const back = g.fromF32(b.op('Reshape', [normed, g.ints([0, ...shape])]));
  return b.op('Add', [b.op('Mul', [back, g.weight(`${name}.gamma`, w.gamma)]), g.weight(`${name}.beta`, w.beta)]);
}

/** LayerNormalization over the last axis, in float32 (see the file comment); `outName` names the result. */
export function layerNorm(g: TypedGraph, name: string, w: LayerNormW, x: string, eps: number, outName?: string): string {
  const gamma = g.weight32(`${name}.gamma`, w.gamma);
  const beta = g.weight32(`${name}.beta`, w.beta);
  const attrs = { axis: attrI(-1), epsilon: attrF(eps) };
  if (g.variant === 'fp32') return g.b.op('LayerNormalization', [x, gamma, beta], attrs, outName);
  const y = g.b.op('LayerNormalization', [g.toF32(x), gamma, beta], attrs);
  return g.b.op('Cast', [y], { to: attrI(g.floatType) }, outName);
}

export interface BlockOpts {
  groups: number;
  /** [C,H,W] of the block's input and output (static in these graphs). */
  shape: number[];
  eps: number;
  /** The [B,timeWidth] timestep embedding (UNet blocks). */
  temb?: string;
  padding?: Padding;
}

/**
 * diffusers' ResnetBlock2D with equal in/out widths: norm → SiLU → conv (+ timestep shift) →
 * norm → SiLU → conv, plus the identity skip.
 */
export function resBlock(g: TypedGraph, name: string, w: ResBlockW, x: string, o: BlockOpts): string {
  const b = g.b;
  const norm = (n: string, nw: ResBlockW['norm1'], v: string) => silu(g, groupNorm(g, n, nw, v, o.groups, o.shape, o.eps));
  let h = conv(g, `${name}.conv1`, w.conv1, norm(`${name}.norm1`, w.norm1, x), 1, o.padding);
  if (w.time && o.temb) {
    const shift = linear(g, `${name}.time`, w.time, silu(g, o.temb)); // [B,C]
    h = b.op('Add', [h, b.op('Unsqueeze', [shift, g.ints([2, 3])])]);
  }
  h = conv(g, `${name}.conv2`, w.conv2, norm(`${name}.norm2`, w.norm2, h), 1, o.padding);
  return b.op('Add', [x, h]);
}

const upScales = new WeakMap<TypedGraph, string>();

/** Nearest-neighbour ×2 upsampling (Resize's default mode); its scales input is float32 by spec. */
export function upsample2x(g: TypedGraph, x: string): string {
  let scales = upScales.get(g);
  if (!scales) upScales.set(g, (scales = g.weight32('up2x.scales', { shape: [4], data: Float32Array.of(1, 1, 2, 2) })));
  return g.b.op('Resize', [x, '', scales]);
}
