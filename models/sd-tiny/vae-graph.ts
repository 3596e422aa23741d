// The VAE decoder with SD-Turbo's contract: latent_sample [batch,4,8,8] (already divided by 0.18215)
// → sample [batch,3,64,64] in [-1,1]; or with TAESD's (config.ts TAESD_SHAPE): latents unscaled →
// image in [0,1], the same network wrapped (÷0.18215 first, (x+1)/2 last), so one latent decodes to
// one picture under either contract. conv_in → one residual block → three (nearest ×2, conv,
// SiLU) stages → conv_out → Tanh. The convs are low-pass (weights.ts smoothConv), so each latent
// cell becomes a soft coloured blob whose colour is a mix of the four latent channels.
import { LATENT_CHANNELS, LATENT_SIZE, IMAGE_SIZE, GN_EPS, SCALING_FACTOR, VAE_GROUPS, VAE_WIDTH, type SdShape } from './config.ts';
import { conv, resBlock, silu, upsample2x } from './ops.ts';
import { TypedGraph, type FloatVariant } from './typed-graph.ts';
import type { VaeW } from './weights.ts';

export function buildVaeDecoder(w: VaeW, variant: FloatVariant, shape: SdShape): Uint8Array {
  const g = new TypedGraph(variant);
  const b = g.b;
  const S = LATENT_SIZE;
  const { input, output, scalingFactor, outputRange } = shape.decoder;
  const given = g.input(input, 'float', ['batch', LATENT_CHANNELS, S, S]);
  const latent = scalingFactor === 1 ? b.op('Mul', [given, g.scalar(1 / SCALING_FACTOR)]) : given;
  let h = conv(g, 'conv_in', w.convIn, latent, 1, 'edge');
  h = resBlock(g, 'mid.res', w.res, h, { groups: VAE_GROUPS, shape: [VAE_WIDTH, S, S], eps: GN_EPS, padding: 'edge' });
  w.ups.forEach((up, i) => {
    h = silu(g, conv(g, `up${i}.conv`, up, upsample2x(g, h), 1, 'edge'));
  });
  // Tanh keeps the output in SD's [-1,1] range; the real decoder has no final activation but is
  // trained to stay there, which random weights are not.
  const image = b.op('Tanh', [conv(g, 'conv_out', w.convOut, h, 1, 'edge')], {}, outputRange === '[-1,1]' ? output : undefined);
  if (outputRange === '[0,1]') b.op('Mul', [b.op('Add', [image, g.scalar(1)]), g.scalar(0.5)], {}, output);
  g.output(output, 'float', ['batch', 3, IMAGE_SIZE, IMAGE_SIZE]);
  return g.encode('sd-tiny-vae-decoder', `PrefLens tiny SD-Turbo VAE decoder (${variant}): seeded random weights, for tests only.`);
}
