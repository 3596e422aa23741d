// `--runtime wasm|native` for the commands that run models: ort-web's WASM (the browser's path and
// the default) or onnxruntime-node's native CPU EP where that package is installed (float32 at full
// size, which 32-bit WASM cannot hold; faster batch jobs).
// What ran is reported by the engine (EngineInfo.runtime), named in runtime/ort-build.ts.
const RUNTIMES = ['wasm', 'native'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** The runtime named, or the message for a bad value. */
export function parseRuntime(value: string): { runtime: Runtime } | { error: string } {
  return (RUNTIMES as readonly string[]).includes(value) ? { runtime: value as Runtime } : { error: `--runtime must be wasm or native, got "${value}"` };
}
