import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildsForHost, chooseOrtBuild, ORT_BUILDS, ortBuildOfAsset } from '../../../src/lib/engine/runtime/ort-build.ts';

const chromium = { node: false, jspi: true };
const noJspi = { node: false, jspi: false };
const node = { node: true, jspi: false };

describe('onnxruntime build per backend', () => {
  it('JSPI for both EPs where the browser has it; the native WebGPU EP or the plain WASM build where not; never JSEP', () => {
    expect(chooseOrtBuild('webgpu', chromium)).toBe('jspi');
    expect(chooseOrtBuild('wasm', chromium)).toBe('jspi');
    expect(chooseOrtBuild('webgpu', noJspi)).toBe('webgpu');
    expect(chooseOrtBuild('wasm', noJspi)).toBe('wasm');
    expect(chooseOrtBuild('wasm', node)).toBe('node');
  });

  it('refuses a forced build the host cannot run, saying why', () => {
    expect(chooseOrtBuild('wasm', chromium, 'wasm')).toBe('wasm');
    expect(() => chooseOrtBuild('wasm', noJspi, 'jspi')).toThrow('the jspi build needs WebAssembly JSPI, which this browser lacks');
    expect(() => chooseOrtBuild('webgpu', chromium, 'wasm')).toThrow('the wasm build has no WebGPU EP');
    expect(() => chooseOrtBuild('wasm', chromium, 'node')).toThrow('the node build does not run in a browser');
  });

  it('the service worker precaches the builds this browser may load, found by their emitted names', () => {
    expect(buildsForHost(chromium)).toEqual(['jspi']);
    expect(buildsForHost(noJspi)).toEqual(['webgpu', 'wasm']);
    expect(ortBuildOfAsset('assets/ort-wasm-simd-threaded.jspi-CZzFqCHi.wasm')).toBe('jspi');
    expect(ortBuildOfAsset('assets/ort-wasm-simd-threaded.asyncify-D5D0fo7z.wasm')).toBe('webgpu');
    expect(ortBuildOfAsset('./assets/ort-wasm-simd-threaded-DcHrbrbl.wasm')).toBe('wasm');
    expect(ortBuildOfAsset('assets/ort-wasm-simd-threaded.jsep-AbC.wasm')).toBeNull();
    expect(ortBuildOfAsset('assets/webp_dec-C990n7mh.wasm')).toBeNull();
    expect(ortBuildOfAsset('assets/ort.wasm.bundle.min-pxiAWbkJ.js')).toBeNull();
  });

  it("names the WASM file each of the package's entries really loads", () => {
    const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
    const entry = { jspi: 'ort.jspi.mjs', webgpu: 'ort.webgpu.mjs', wasm: 'ort.wasm.mjs' } as const;
    for (const [build, file] of Object.entries(entry)) {
      const src = readFileSync(join(dist, file), 'utf8');
      // The bundler keeps every candidate and picks with constants: `false ? "a.mjs" : true ? "b.mjs" : "c.mjs"`.
      const picked = /const wasmModuleFilename = (.*);/.exec(src)![1];
      const chosen = /true \? "([^"]+)"/.exec(picked)?.[1] ?? /"([^"]+)"$/.exec(picked)![1];
      expect(chosen.replace(/\.mjs$/, '.wasm')).toBe(ORT_BUILDS[build as keyof typeof entry].wasmFile);
    }
  });
});
