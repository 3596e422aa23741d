import { describe, expect, it } from 'vitest';
import { chooseBackend, type AdapterSummary } from '../../../src/lib/engine/runtime/backend-choice.ts';
import { probeWebGpu, type GpuLike } from '../../../src/lib/engine/runtime/webgpu-probe.ts';
import { BackendError } from '../../../src/lib/engine/errors.ts';

const hw: AdapterSummary = { vendor: 'nvidia', architecture: 'ampere', description: '', isFallback: false, shaderF16: true };
const sw: AdapterSummary = { vendor: 'google', architecture: 'swiftshader', description: '', isFallback: true, shaderF16: false };

describe('chooseBackend', () => {
  it('auto prefers a hardware adapter', () => {
    const c = chooseBackend('auto', { available: true, adapter: hw });
    expect(c.ep).toBe('webgpu');
    expect(c.label).toBe('WebGPU (nvidia ampere)');
  });
  it('auto refuses a software adapter and says why', () => {
    const c = chooseBackend('auto', { available: true, adapter: sw });
    expect(c.ep).toBe('wasm');
    expect(c.reason).toMatch(/software fallback/);
  });
  it('auto without WebGPU falls back to WASM naming the reason', () => {
    const c = chooseBackend('auto', { available: false, reason: 'no WebGPU adapter on this device' });
    expect(c).toMatchObject({ ep: 'wasm', label: 'WASM (no WebGPU: no WebGPU adapter on this device)' });
  });
  it('forced WebGPU runs on a software adapter but fails clearly without one', () => {
    expect(chooseBackend('webgpu', { available: true, adapter: sw }).ep).toBe('webgpu');
    expect(() => chooseBackend('webgpu', { available: false, reason: 'x' })).toThrow(BackendError);
  });
  it('forced WASM never uses WebGPU', () => {
    expect(chooseBackend('wasm', { available: true, adapter: hw }).ep).toBe('wasm');
  });
});

describe('probeWebGpu', () => {
  const gpu = (adapter: unknown): GpuLike => ({ requestAdapter: async () => adapter as never });
  it('treats navigator.gpu with a null adapter as no WebGPU', async () => {
    expect((await probeWebGpu(gpu(null))).probe).toEqual({ available: false, reason: 'no WebGPU adapter on this device' });
  });
  it('reports a missing API', async () => {
    expect((await probeWebGpu(undefined)).probe.available).toBe(false);
  });
  it('reads fallback and shader-f16 from the adapter', async () => {
    const a = { features: new Set(['shader-f16']), info: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true } };
    const { probe } = await probeWebGpu(gpu(a));
    expect(probe).toEqual({
      available: true,
      adapter: { vendor: 'google', architecture: 'swiftshader', description: '', isFallback: true, shaderF16: true },
    });
  });
  it('turns a throwing requestAdapter into a reason', async () => {
    const bad: GpuLike = { requestAdapter: async () => { throw new Error('boom'); } };
    expect((await probeWebGpu(bad)).probe).toEqual({ available: false, reason: 'requestAdapter failed: boom' });
  });
});
