// Which image generator Generate uses when the user has not picked one: among the diffusion
// families downloaded to this device, the largest that runs here — SD-Turbo (fp16) on a WebGPU
// adapter with shader-f16, a WASM-capable family (SDXS-shaped, int8) elsewhere — else the built-in
// tiny one. Size stands for capacity: of two families this device can run, the bigger one is the
// better generator (SD-Turbo is SDXS's teacher). Only stored manifests are read: choosing makes no
// request.
import type { FamilyStatus } from './family-store.ts';

/** A family that can run here: planned without a device warning. */
export const runsHere = (s: FamilyStatus): boolean => !s.warning;

export function bestGenerator(statuses: readonly FamilyStatus[]): FamilyStatus | undefined {
  return statuses
    .filter((s) => s.role === 'generator' && s.state === 'cached' && runsHere(s))
    .reduce<FamilyStatus | undefined>((best, s) => (!best || s.totalBytes > best.totalBytes ? s : best), undefined);
}
