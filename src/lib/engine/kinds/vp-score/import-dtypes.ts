// Which variants an import writes on this device: what it runs first (the folder's model), then q8
// for WASM (a lost GPU falls back to it). A module of its own so the page can say it without
// loading the importer.
import type { EpName } from '../../runtime/backend-choice.ts';
import type { VpDtype } from './manifest.ts';

export function importDtypes(ep: EpName, shaderF16: boolean): VpDtype[] {
  return ep === 'webgpu' ? [shaderF16 ? 'q4f16' : 'q4', 'q8'] : ['q8'];
}
