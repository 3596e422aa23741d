// Which VP-Score dtype runs on this backend. Measured on the full-size model (BENCHMARKS.md): fp32
// does not fit 32-bit WASM (out of memory) and q8 runs there at 450 MB; MatMulNBits (q4) is slower
// than q8 on WASM and meant for WebGPU; fp16 graphs need shader-f16 on WebGPU (without it they
// return zeros, BROWSER.md). A forced dtype (a setting, tests) wins when the family has it.
import type { EpName } from '../../runtime/backend-choice.ts';
import { ManifestError } from '../../errors.ts';
import { vpDtypes, vpModelEntry, type VpDtype, type VpScoreManifest } from './manifest.ts';
import { biggestGraph, noF16Statement } from '../../model-files/device-fit.ts';

const ORDER: Record<'webgpu-f16' | 'webgpu' | 'wasm', VpDtype[]> = {
  'webgpu-f16': ['q4f16', 'fp16', 'q4', 'fp32', 'q8'],
  webgpu: ['q4', 'fp32', 'q8'],
  wasm: ['q8', 'fp32', 'q4', 'fp16', 'q4f16'],
};

const needsF16 = (d: VpDtype) => d === 'fp16' || d === 'q4f16';

export function chooseVpDtype(m: VpScoreManifest, ep: EpName, shaderF16: boolean, forced?: VpDtype): VpDtype {
  const has = vpDtypes(m);
  const blocked = (d: VpDtype) => ep === 'webgpu' && !shaderF16 && needsF16(d);
  if (forced) {
    if (!has.includes(forced)) throw new ManifestError(`${m.id} has no ${forced} variant (it has ${has.join(', ')})`);
    if (blocked(forced)) throw new ManifestError(`the ${forced} variant needs a WebGPU adapter with shader-f16, and this one has none`);
    return forced;
  }
  const order = ORDER[ep === 'wasm' ? 'wasm' : shaderF16 ? 'webgpu-f16' : 'webgpu'];
  const pick = order.find((d) => has.includes(d));
  if (!pick) {
    throw new ManifestError(`${m.id} (${has.join(', ')}): ${noF16Statement(biggestGraph(has.map((d) => vpModelEntry(m, d))))}`);
  }
  return pick;
}
