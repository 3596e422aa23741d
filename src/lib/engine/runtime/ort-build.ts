// Which onnxruntime-web build runs the models — the one place that decides it.
//
// ort-web 1.30 ships four builds (shared/BROWSER.md, "entry points"). PrefLens uses:
// - `jspi`: the native C++ WebGPU EP and the WASM EP in one 16.8 MB binary built with JS Promise
//   Integration, whose external data may be a Blob read per initializer (no JS copy of the weights).
//   Chromium has JSPI (137+); where it is missing ort's own check throws, so we never pick it there.
// - `webgpu`: the same native WebGPU EP built with asyncify (26.8 MB), for WebGPU without JSPI.
// - `wasm`: the plain CPU build (14.2 MB), for WASM without JSPI.
// - `node`: Node's entry of onnxruntime-web (tests, CLI, bench); `--runtime native` swaps in
//   onnxruntime-node on top (ort-session.ts).
// Pure facts and choices (the service worker uses them too); ort-import.ts loads the chosen build.
// Not JSEP (the package's default entry): upstream deprecates it for the native EP, and an earlier
// layout of the tiny UNet met its bug around Cast(int64→float) (microsoft/onnxruntime#32134), a
// pattern SD-Turbo's timestep embedding has (models/sd-tiny/unet-graph.ts).
import type { EpName } from './backend-choice.ts';
import { BackendError } from '../errors.ts';

export type OrtBuildName = 'jspi' | 'webgpu' | 'wasm' | 'node';

export interface OrtBuildInfo {
  name: OrtBuildName;
  /** The WASM binary it fetches (what the service worker must precache); none for Node. */
  wasmFile: string | null;
  /** Takes external data as a Blob and reads it per initializer, instead of as bytes in JS. */
  blobExternalData: boolean;
  /** For the header and the CLI. */
  label: string;
}

export const ORT_BUILDS: Record<OrtBuildName, OrtBuildInfo> = {
  jspi: { name: 'jspi', wasmFile: 'ort-wasm-simd-threaded.jspi.wasm', blobExternalData: true, label: 'onnxruntime-web (JSPI build)' },
  webgpu: { name: 'webgpu', wasmFile: 'ort-wasm-simd-threaded.asyncify.wasm', blobExternalData: false, label: 'onnxruntime-web (WebGPU build)' },
  wasm: { name: 'wasm', wasmFile: 'ort-wasm-simd-threaded.wasm', blobExternalData: false, label: 'onnxruntime-web (WASM build)' },
  node: { name: 'node', wasmFile: null, blobExternalData: false, label: 'onnxruntime-web (WASM)' },
};

/** `--runtime native` in Node: onnxruntime-node's CPU EP instead of any ort-web build. */
export const NATIVE_RUNTIME_LABEL = 'onnxruntime-node (native CPU)';

export interface RuntimeHost {
  node: boolean;
  /** WebAssembly.Suspending exists: what ort's JSPI build checks before it starts. */
  jspi: boolean;
}

export function runtimeHost(): RuntimeHost {
  return {
    node: typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof self === 'undefined',
    jspi: typeof WebAssembly !== 'undefined' && 'Suspending' in WebAssembly,
  };
}

/** Every build this browser may load (either EP): what the service worker precaches. */
export function buildsForHost(host: RuntimeHost): OrtBuildName[] {
  return host.node ? ['node'] : host.jspi ? ['jspi'] : ['webgpu', 'wasm'];
}

/** Which build an emitted asset belongs to (`assets/ort-wasm-simd-threaded.jspi-<hash>.wasm`), if any. */
export function ortBuildOfAsset(path: string): OrtBuildName | null {
  const file = path.split('/').pop() ?? '';
  for (const b of Object.values(ORT_BUILDS)) {
    if (!b.wasmFile) continue;
    const stem = b.wasmFile.replace(/\.wasm$/, '');
    // Vite appends `-<hash>`, which has no dot: `ort-wasm-simd-threaded-<hash>` is not the jspi file.
    const hashed = file.startsWith(`${stem}-`) && file.endsWith('.wasm') && !file.slice(stem.length + 1, -5).includes('.');
    if (file === b.wasmFile || hashed) return b.name;
  }
  return null;
}

/** The build for an EP on this host; `forced` (bench, tests) must be one the host can run. */
export function chooseOrtBuild(ep: EpName, host: RuntimeHost, forced?: OrtBuildName): OrtBuildName {
  if (forced) {
    if ((forced === 'node') !== host.node) throw new BackendError(`the ${forced} build does not run ${host.node ? 'in Node' : 'in a browser'}`);
    if (forced === 'jspi' && !host.jspi) throw new BackendError('the jspi build needs WebAssembly JSPI, which this browser lacks');
    if (forced === 'wasm' && ep === 'webgpu') throw new BackendError('the wasm build has no WebGPU EP');
    return forced;
  }
  if (host.node) return 'node';
  if (host.jspi) return 'jspi';
  return ep === 'webgpu' ? 'webgpu' : 'wasm';
}

