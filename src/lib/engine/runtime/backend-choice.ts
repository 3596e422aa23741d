// Which execution provider runs the models: pure decisions over a probe of the WebGPU adapter,
// so the rule of shared/DESIGN.md ("Backend choice") is tested in Node without a GPU.
//
// Rule: a *hardware* WebGPU adapter first; WASM otherwise. A software/fallback adapter (SwiftShader)
// ran 40–200x slower than WASM in BROWSER.md's measurements, so "auto" never picks it; tests force it.
import { BackendError } from '../errors.ts';

export type EpName = 'webgpu' | 'wasm';
export type BackendPreference = 'auto' | 'webgpu' | 'wasm';

/** What a model's variant is chosen for: the execution provider, and whether its WebGPU adapter has shader-f16. */
export interface Device {
  ep: EpName;
  shaderF16: boolean;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  description: string;
  isFallback: boolean;
  shaderF16: boolean;
}

export type AdapterProbe =
  | { available: true; adapter: AdapterSummary }
  | { available: false; reason: string };

export interface BackendChoice {
  ep: EpName;
  /** Why this EP: shown in the header and in logs. */
  reason: string;
  adapter?: AdapterSummary;
  /** Short label for the header, e.g. "WebGPU (google swiftshader)" or "WASM (no WebGPU: …)". */
  label: string;
}

export function adapterName(a: AdapterSummary): string {
  const parts = [a.vendor, a.architecture, a.description].filter(Boolean);
  return parts.length ? parts.join(' ') : 'unnamed adapter';
}

export function chooseBackend(preference: BackendPreference, probe: AdapterProbe): BackendChoice {
  if (preference === 'wasm') {
    return { ep: 'wasm', reason: 'WASM chosen in settings', label: 'WASM (chosen in settings)' };
  }
  if (!probe.available) {
    if (preference === 'webgpu') {
      throw new BackendError(`WebGPU was requested but is not available here: ${probe.reason}. Choose WASM or Auto.`);
    }
    return { ep: 'wasm', reason: `no WebGPU: ${probe.reason}`, label: `WASM (no WebGPU: ${probe.reason})` };
  }
  const a = probe.adapter;
  const name = adapterName(a);
  if (preference === 'webgpu') {
    const note = a.isFallback ? ', a software adapter: slower than WASM' : '';
    return { ep: 'webgpu', reason: `WebGPU chosen in settings${note}`, adapter: a, label: `WebGPU (${name})` };
  }
  if (a.isFallback) {
    const reason = `the WebGPU adapter (${name}) is a software fallback, slower than WASM`;
    return { ep: 'wasm', reason, adapter: a, label: `WASM (WebGPU adapter is software: ${name})` };
  }
  return { ep: 'webgpu', reason: `hardware WebGPU adapter ${name}`, adapter: a, label: `WebGPU (${name})` };
}
