// Loading the onnxruntime-web build that ort-build.ts chose.
import type * as Ort from 'onnxruntime-web';
import type { OrtBuildName } from './ort-build.ts';

export type OrtModule = typeof Ort;

/**
 * Import the build. Literal specifiers, so Vite emits each browser build (and its .wasm) as its own
 * chunk; Node's entry by a variable, so the browser bundle does not include it.
 */
export async function importOrtBuild(name: OrtBuildName): Promise<OrtModule> {
  switch (name) {
    case 'jspi':
      return (await import('onnxruntime-web/jspi')) as OrtModule;
    case 'webgpu':
      return (await import('onnxruntime-web/webgpu')) as OrtModule;
    case 'wasm':
      return (await import('onnxruntime-web/wasm')) as OrtModule;
    case 'node': {
      const entry = 'onnxruntime-web';
      return (await import(/* @vite-ignore */ entry)) as OrtModule;
    }
  }
}
