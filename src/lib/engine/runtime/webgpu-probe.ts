// Probe WebGPU the way BROWSER.md found necessary: `navigator.gpu` exists even where
// `requestAdapter()` resolves to null, so only a real adapter counts.
import type { AdapterProbe, AdapterSummary } from './backend-choice.ts';

// Minimal structural types: the engine runs in Node too, where no WebGPU typings apply.
interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
export interface GpuAdapterLike {
  features: { has(name: string): boolean };
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

export interface ProbeResult {
  probe: AdapterProbe;
  /** The adapter itself, handed to ort so it uses the one we reported. */
  adapter?: GpuAdapterLike;
}

export async function probeWebGpu(gpu: GpuLike | undefined = defaultGpu()): Promise<ProbeResult> {
  if (!gpu) return { probe: { available: false, reason: 'this browser has no WebGPU API' } };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { probe: { available: false, reason: `requestAdapter failed: ${(e as Error).message}` } };
  }
  if (!adapter) return { probe: { available: false, reason: 'no WebGPU adapter on this device' } };
  return { probe: { available: true, adapter: summarize(adapter) }, adapter };
}

function summarize(adapter: GpuAdapterLike): AdapterSummary {
  const info = adapter.info ?? {};
  const architecture = info.architecture ?? '';
  // Chromium reports SwiftShader with isFallbackAdapter=true; older builds only via the architecture.
  const isFallback =
    info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || /swiftshader/i.test(architecture);
  return {
    vendor: info.vendor ?? '',
    architecture,
    description: info.description ?? '',
    isFallback,
    shaderF16: adapter.features.has('shader-f16'),
  };
}

function defaultGpu(): GpuLike | undefined {
  return (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
}
