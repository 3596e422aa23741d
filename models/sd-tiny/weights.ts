// Seeded weights of the three graphs, one Gaussian stream per graph (seed, seed+1, seed+2), so
// reshaping one graph never reshuffles the others. The gains are chosen so that the sampler's
// quantities land where SD-Turbo's do (see unet-graph.ts and vae-graph.ts for the why); the
// pipeline test measures them.
import type { Tensor } from '../../src/lib/engine/convert/graph-builder.ts';
import { Gaussian } from '../prng.ts';
import type { AttentionW, LayerNormW, Linear } from '../vp-score/weights.ts';
import * as C from './config.ts';

export type { AttentionW, LayerNormW, Linear, Tensor };

/** Conv weight [out, in, k, k] and bias [out]. */
export interface ConvW {
  w: Tensor;
  b: Tensor;
}

/** Per-channel affine of a GroupNorm, shaped [C,1,1] to broadcast over [B,C,H,W]. */
export interface GroupNormW {
  gamma: Tensor;
  beta: Tensor;
}

export interface ResBlockW {
  norm1: GroupNormW;
  conv1: ConvW;
  /** Timestep embedding → per-channel shift (UNet blocks only). */
  time?: Linear;
  norm2: GroupNormW;
  conv2: ConvW;
}

export interface TextLayerW {
  ln1: LayerNormW;
  attn: AttentionW;
  ln2: LayerNormW;
  fc1: Linear;
  fc2: Linear;
}

export interface TextEncoderW {
  tokenEmb: Tensor; // [vocab, D]
  posEmb: Tensor; // [77, D]
  layers: TextLayerW[];
  lnFinal: LayerNormW;
}

export interface UnetW {
  timeFc1: Linear;
  timeFc2: Linear;
  convIn: ConvW;
  res1: ResBlockW;
  down: ConvW;
  res2: ResBlockW;
  crossLn: LayerNormW;
  cross: AttentionW;
  upConv: ConvW;
  res3: ResBlockW;
  normOut: GroupNormW;
  convOut: ConvW;
}

export interface VaeW {
  convIn: ConvW;
  res: ResBlockW;
  ups: ConvW[];
  convOut: ConvW;
}

/** Output gain of the cross-attention: text must move the image as visibly as the seed does. */
const CROSS_GAIN = 3;
/** Gain of the UNet's last conv: the predicted x0 spreads with std ≈ 0.3 (|x0| < ~1.3), SD latents' scale. */
const UNET_OUT_GAIN = 0.55;
/** Share of a VAE kernel that is free noise rather than the blur (0 = pure blur ⊗ channel mix). */
const VAE_ROUGHNESS = 0.15;
/**
 * VAE gains after each ×2 stage and on conv_out, set by looking at the previews: lower gives grey,
 * washed-out images (pixel std < 25), higher saturates Tanh into flat neon patches. With these the
 * 1- and 4-step previews have pixel std 40–70 and no clipped pixels.
 */
const VAE_UP_GAIN = 1.3;
const VAE_OUT_GAIN = 1.2;

class Draw {
  readonly #g: Gaussian;
  constructor(seed: number) {
    this.#g = new Gaussian(seed);
  }

  normal(shape: number[], std: number, mean = 0): Tensor {
    const data = this.#g.fill(shape.reduce((a, b) => a * b, 1), std);
    if (mean) for (let i = 0; i < data.length; i++) data[i] += mean;
    return { shape, data };
  }

  linear(nIn: number, nOut: number, gain = 1): Linear {
    return { w: this.normal([nIn, nOut], gain / Math.sqrt(nIn)), b: this.normal([nOut], 0.02) };
  }

  /** Gains near 1 and shifts near 0, but not exactly, so a graph that drops one is caught. */
  layerNorm(n: number): LayerNormW {
    return { gamma: this.normal([n], 0.1, 1), beta: this.normal([n], 0.05) };
  }

  groupNorm(c: number): GroupNormW {
    return { gamma: this.normal([c, 1, 1], 0.1, 1), beta: this.normal([c, 1, 1], 0.05) };
  }

  attention(d: number, kvIn: number, outGain = 1): AttentionW {
    return { q: this.linear(d, d), k: this.linear(kvIn, d), v: this.linear(kvIn, d), o: this.linear(d, d, outGain) };
  }

  /** He-style 3×3 conv: std gain/√(in·9). */
  conv(cOut: number, cIn: number, gain = 1): ConvW {
    return { w: this.normal([cOut, cIn, 3, 3], gain / Math.sqrt(cIn * 9)), b: this.normal([cOut], 0.02) };
  }

  /**
   * A low-pass 3×3 conv: an orthogonal channel mix times the binomial blur [1,2,1]ᵀ[1,2,1]/16, plus
   * a little free noise. After nearest-neighbour ×2 upsampling this interpolates instead of drawing
   * edges, which is what keeps the decoded images smooth with random weights.
   */
  smoothConv(cOut: number, cIn: number, gain: number, centred = false, roughness = VAE_ROUGHNESS): ConvW {
    const blur = [1, 2, 1, 2, 4, 2, 1, 2, 1].map((v) => v / 16);
    const mix = this.orthogonal(cOut, cIn, gain, centred);
    const noise = this.normal([cOut, cIn, 3, 3], (roughness * gain) / Math.sqrt(cIn * 9));
    const w = noise.data;
    for (let o = 0; o < cOut * cIn; o++) for (let k = 0; k < 9; k++) w[o * 9 + k] += mix.data[o] * blur[k];
    return { w: noise, b: this.normal([cOut], 0.05) };
  }

  /**
   * A [rows, cols] channel mix with orthogonal rows (or columns, when rows > cols), scaled so each
   * row has norm `gain` on average, like N(0, gain²/cols) rows. A chain of plain Gaussian mixes
   * collapses towards its top singular direction, which made every decoded image a blend of the
   * same two colours; orthogonal mixes keep the 4 latent channels' independence up to the RGB
   * output. `centred` also makes each row orthogonal to (1,…,1), so the mix ignores what all
   * inputs share (SiLU's positive mean), which would otherwise tint every image the same way.
   */
  orthogonal(rows: number, cols: number, gain: number, centred = false): Tensor {
    const wide = rows <= cols; // orthonormalise the shorter side's vectors
    const [n, len] = wide ? [rows, cols] : [cols, rows];
    const basis: Float64Array[] = centred && wide ? [new Float64Array(len).fill(1 / Math.sqrt(len))] : [];
    const skip = basis.length;
    while (basis.length < n + skip) {
      const v = Float64Array.from(this.normal([len], 1).data);
      for (const u of basis) {
        const dot = v.reduce((a, x, i) => a + x * u[i], 0);
        for (let i = 0; i < len; i++) v[i] -= dot * u[i];
      }
      const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
      basis.push(v.map((x) => x / norm));
    }
    const scale = gain * Math.sqrt(Math.max(1, rows / cols));
    const data = new Float32Array(rows * cols);
    basis.slice(skip).forEach((v, k) => v.forEach((x, i) => (data[wide ? k * cols + i : i * cols + k] = x * scale)));
    return { shape: [rows, cols], data };
  }

  resBlock(c: number, conv: (o: number, i: number) => ConvW, timeWidth?: number): ResBlockW {
    return {
      norm1: this.groupNorm(c),
      conv1: conv(c, c),
      time: timeWidth ? this.linear(timeWidth, c) : undefined,
      norm2: this.groupNorm(c),
      conv2: conv(c, c),
    };
  }
}

export function textEncoderWeights(seed: number, vocabSize: number, D: number): TextEncoderW {
  const d = new Draw(seed);
  return {
    tokenEmb: d.normal([vocabSize, D], 1),
    posEmb: d.normal([C.MAX_TOKENS, D], 0.3),
    layers: Array.from({ length: C.TEXT_LAYERS }, () => ({
      ln1: d.layerNorm(D),
      attn: d.attention(D, D),
      ln2: d.layerNorm(D),
      fc1: d.linear(D, C.TEXT_MLP),
      fc2: d.linear(C.TEXT_MLP, D),
    })),
    lnFinal: d.layerNorm(D),
  };
}

export function unetWeights(seed: number, hidden: number): UnetW {
  const d = new Draw(seed);
  const W = C.UNET_WIDTH;
  const conv = (o: number, i: number) => d.conv(o, i);
  return {
    timeFc1: d.linear(2 * C.TIME_FREQS, C.TIME_WIDTH),
    timeFc2: d.linear(C.TIME_WIDTH, C.TIME_WIDTH),
    convIn: d.conv(W, C.LATENT_CHANNELS),
    res1: d.resBlock(W, conv, C.TIME_WIDTH),
    down: d.conv(W, W),
    res2: d.resBlock(W, conv, C.TIME_WIDTH),
    crossLn: d.layerNorm(W),
    cross: d.attention(W, hidden, CROSS_GAIN),
    upConv: d.conv(W, 2 * W),
    res3: d.resBlock(W, conv, C.TIME_WIDTH),
    normOut: d.groupNorm(W),
    convOut: d.conv(C.LATENT_CHANNELS, W, UNET_OUT_GAIN),
  };
}

export function vaeWeights(seed: number): VaeW {
  const d = new Draw(seed);
  const widths = [C.VAE_WIDTH, ...C.VAE_UP_WIDTHS];
  return {
    convIn: d.smoothConv(C.VAE_WIDTH, C.LATENT_CHANNELS, 1),
    res: d.resBlock(C.VAE_WIDTH, (o, i) => d.smoothConv(o, i, 1, true)),
    ups: C.VAE_UP_WIDTHS.map((w, i) => d.smoothConv(w, widths[i], VAE_UP_GAIN, true)),
    convOut: d.smoothConv(3, widths.at(-1)!, VAE_OUT_GAIN, true),
  };
}
