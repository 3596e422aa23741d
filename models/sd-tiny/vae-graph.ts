// The VAE decoder with SD-Turbo's contract: latent_sample [batch,4,8,8] (already divided by 0.18215)
// → sample [batch,3,64,64] in [-1,1]. conv_in → one residual block → three (nearest ×2, conv,
// SiLU) stages → conv_out → Tanh. The convs are low-pass (weights.ts smoothConv), so each latent
// cell becomes a soft coloured blob whose colour is a mix of the four latent channels.
import { LATENT_CHANNELS, LATENT_SIZE, IMAGE_SIZE, GN_EPS, VAE_GROUPS, VAE_WIDTH } from './config.ts';
import { conv, resBlock, silu, upsample2x } from './ops.ts';
import { TypedGraph, type FloatVariant } from './typed-graph.ts';
import type { VaeW } from './weights.ts';

export function buildVaeDecoder(w: VaeW, variant: FloatVariant): Uint8Array {
  const g = new TypedGraph(variant);
  const b = g.b;
  const S = LATENT_SIZE;
  const latent = g.input('latent_sample', 'float', ['batch', LATENT_CHANNELS, S, S]);
  let h = conv(g, 'conv_in', w.convIn, latent, 1, 'edge');
  h = resBlock(g, 'mid.res', w.res, h, { groups: VAE_GROUPS, shape: [VAE_WIDTH, S, S], eps: GN_EPS, padding: 'edge' });
  w.ups.forEach((up, i) => {
    h = silu(g, conv(g, `up${i}.conv`, up, upsample2x(g, h), 1, 'edge'));
  });
  // Tanh keeps the output in SD's [-1,1] range; the real decoder has no final activation but is
  // trained to stay there, which random weights are not.
  b.op('Tanh', [conv(g, 'conv_out', w.convOut, h, 1, 'edge')], {}, 'sample');
  g.output('sample', 'float', ['batch', 3, IMAGE_SIZE, IMAGE_SIZE]);
  return g.encode('sd-tiny-vae-decoder', `PrefLens tiny SD-Turbo VAE decoder (${variant}): seeded random weights, for tests only.`);
}
