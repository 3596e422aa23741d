// The SD-Turbo layout (text encoder, UNet, VAE decoder; optionally a TAESD preview decoder) as a
// registry row: a generator. An fp16-only family on a WebGPU adapter without shader-f16 is still
// planned (the Models card says what it would need) but never opened there: it would draw zeros.
import type { GeneratorKind } from '../model-kind.ts';
import { withData } from '../../model-files/file-entry.ts';
import { readDiffusionFolder } from './folder.ts';
import { chooseVariant, GRAPHS, parseDiffusionManifest, tokenizerEntry, type DiffusionManifest, type DtypeVariant } from './manifest.ts';
import { SdGenerator } from './pipeline.ts';

export const SD_TURBO_KIND: GeneratorKind<DiffusionManifest> = {
  kind: 'sd-turbo',
  role: 'generator',
  label: 'Image generator (SD-Turbo layout)',
  parse: parseDiffusionManifest,
  variants: (m) => Object.keys(m.variants),
  plan(m, d, forced) {
    const noF16 = !forced && d.ep === 'webgpu' && !d.shaderF16 && !m.variants.fp32 && !m.variants.q8;
    const variant: DtypeVariant = noF16 ? 'fp16' : chooseVariant(m, d.ep, d.shaderF16, forced as DtypeVariant | undefined);
    const graphs = GRAPHS.map((g) => m.variants[variant]![g]);
    const pd = m.previewDecoder;
    // The fast preview decoder (a few MB) comes with the family: switching to it needs no request.
    const files = [...graphs.flatMap(withData), ...(pd ? withData(pd.graph) : []), tokenizerEntry(m)];
    return { variant, graphs, files, ...(pd ? { preview: { kind: pd.kind, graph: pd.graph } } : {}), ...(noF16 ? { noF16 } : {}) };
  },
  async open(read, origin, m, variant, d, opts = {}) {
    return SdGenerator.load(await readDiffusionFolder(read, origin, m, variant as DtypeVariant, opts.decoder), d.ep);
  },
};
