// The one module that talks to onnxruntime-web: configures the build chosen for this EP
// (ort-build.ts) explicitly (no import-time side effects, WASM files from our own origin), creates a
// session on exactly one EP, and serializes create/run because ort-web rejects concurrent runs on
// one instance. In Node, `preflens score --runtime native` swaps in onnxruntime-node (native CPU EP,
// same API) when it is installed: float32 at full size, which WASM's 4 GB cannot hold.
import type * as Ort from 'onnxruntime-web';
import type { EpName } from './backend-choice.ts';
import type { GpuAdapterLike } from './webgpu-probe.ts';
import { BackendError, DeviceLostError, ModelFileError, OutOfMemoryError } from '../errors.ts';
import { chooseOrtBuild, ORT_BUILDS, runtimeHost, type OrtBuildName } from './ort-build.ts';
import { importOrtBuild, type OrtModule } from './ort-import.ts';
import { freeDimensionOverrides, graphInputDims, type InputDims } from './free-dimensions.ts';

export type { InferenceSession } from 'onnxruntime-web';
import type { InferenceSession } from 'onnxruntime-web';

/** An external-data file as onnxruntime takes it: the name the graph refers to, and its contents. */
export interface ExternalData {
  path: string;
  data: Uint8Array | Blob;
}

export interface RuntimeOptions {
  ep: EpName;
  /** WASM threads; by default 2+ only when cross-origin isolated (SharedArrayBuffer needs it). */
  numThreads?: number;
  /** The adapter we probed and reported, so ort runs on that one. */
  adapter?: GpuAdapterLike;
  /** Bench and tests: a build other than the one chosen for this EP. */
  build?: OrtBuildName;
  externalData?: ExternalDataForm;
}

/**
 * 'bytes': external data always read into JS first; 'blob' (bench only): a Blob handed to the JSPI
 * build, which reads it per initializer. Blobs saved 0.38 GiB at the full-size q8's load, but 7 of
 * 15 such loads in Chromium stopped for good at 0 % CPU with 2 threads and 7 of 15 with 1 thread,
 * while 15 of 15 bytes loads finished (`npm run stress:load`, BENCHMARKS.md, issue 23).
 */
export type ExternalDataForm = 'blob' | 'bytes';
let externalDataForm: ExternalDataForm = 'bytes';

let chain: Promise<unknown> = Promise.resolve();
/** The build configureRuntime() loaded: one per worker (a backend switch starts a new worker). */
let loaded: { name: OrtBuildName; ort: OrtModule } | null = null;
/** onnxruntime-node once useNativeRuntime() ran, and its thread count. */
let native: { ort: OrtModule; threads: number } | null = null;

function ort(): OrtModule {
  if (!loaded) throw new BackendError('onnxruntime is not configured yet: call configureRuntime (Engine.init) first');
  return loaded.ort;
}

/** Node only: later sessions run on onnxruntime-node's CPU EP; a clear error where it is not installed. */
export async function useNativeRuntime(threads: number): Promise<void> {
  const name = 'onnxruntime-node'; // not a literal: the browser bundle must not try to include it
  try {
    native = { ort: (await import(/* @vite-ignore */ name)) as OrtModule, threads };
  } catch (e) {
    throw new BackendError(`the native runtime needs the onnxruntime-node package, which is not installed here (npm install onnxruntime-node): ${(e as Error).message}`);
  }
}
/** Sessions on the WebGPU EP, and a promise that rejects once their device is lost. */
const gpuSessions = new WeakSet<InferenceSession>();
let deviceLost: Promise<never> | null = null;

/**
 * How long a failed WebGPU run waits for `device.lost` before its error counts as a plain error. The
 * native WebGPU EP fails a run in flight at once ("mapAsync … Buffer was unmapped") when the device
 * is destroyed, a task before `lost` resolves (measured in Chromium/SwiftShader); JSEP hung instead.
 */
const LOST_GRACE_MS = 1000;

/**
 * From now on, WebGPU runs fail with DeviceLostError once `lost` resolves — a run that would never
 * settle, and a run the device's end broke — so the queue moves on and the engine can re-open the
 * models on WASM.
 */
export function failGpuRunsWhen(lost: Promise<string>): void {
  deviceLost = lost.then((message) => {
    throw new DeviceLostError(message);
  });
  deviceLost.catch(() => undefined);
}

async function gpuRun(session: InferenceSession, feeds: Record<string, Tensor>, lost: Promise<never>) {
  try {
    return await Promise.race([session.run(feeds), lost]);
  } catch (e) {
    if (e instanceof DeviceLostError) throw e;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, LOST_GRACE_MS)));
    await Promise.race([lost, grace]).finally(() => clearTimeout(timer)); // rejects with DeviceLostError if lost
    throw e;
  }
}

/** Run `task` after every earlier ort call has settled (one create/run at a time). */
export function serialized<T>(task: () => Promise<T>): Promise<T> {
  const next = chain.then(task, task);
  chain = next.catch(() => undefined);
  return next;
}

/** Load and configure the build for this EP; the same build stays for the worker's life. */
export async function configureRuntime(opts: RuntimeOptions): Promise<{ numThreads: number; build: OrtBuildName }> {
  const host = runtimeHost();
  const name = chooseOrtBuild(opts.ep, host, opts.build);
  if (loaded && loaded.name !== name) throw new BackendError(`onnxruntime's ${loaded.name} build is already running here; ${name} needs a new worker`);
  loaded ??= { name, ort: await importOrtBuild(name) };
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const cores = globalThis.navigator?.hardwareConcurrency ?? 2;
  const numThreads = opts.numThreads ?? (host.node || isolated ? Math.min(4, cores) : 1);
  const { env } = loaded.ort;
  env.wasm.numThreads = numThreads;
  externalDataForm = opts.externalData ?? 'bytes';
  env.logLevel = 'error';
  if (opts.ep === 'webgpu' && opts.adapter) {
    (env.webgpu as { adapter?: unknown }).adapter = opts.adapter;
  }
  return { numThreads, build: name };
}

export type OutputLocation = 'cpu' | 'gpu-buffer';

export interface SessionOptions {
  /** Outputs that stay on the GPU (WebGPU only) for the next graph to read. */
  outputsOnGpu?: readonly string[];
  /** The graph's external-data files. */
  externalData?: readonly ExternalData[];
  /** Input name → the one shape it is always fed, given the graph's inputs: fixes its free dimensions (free-dimensions.ts). */
  shapes?: (inputs: InputDims) => Record<string, readonly number[]>;
}

/** Create a session on one EP. Bytes that are not a loadable ONNX graph become a ModelFileError. */
export function createSession(bytes: Uint8Array, ep: EpName, file: string, o: SessionOptions = {}): Promise<InferenceSession> {
  const { outputsOnGpu = [], externalData } = o;
  const preferredOutputLocation =
    ep === 'webgpu' && outputsOnGpu.length
      ? Object.fromEntries(outputsOnGpu.map((n) => [n, 'gpu-buffer' as OutputLocation]))
      : undefined;
  const freeDimensionOverrides = o.shapes ? overridesFor(bytes, o.shapes) : {};
  return serialized(async () => {
    const data = externalData?.length ? await externalDataFor(externalData) : undefined;
    try {
      const session = await (native?.ort ?? ort()).InferenceSession.create(bytes, {
        executionProviders: [native ? 'cpu' : ep],
        ...(native ? { intraOpNumThreads: native.threads } : {}),
        graphOptimizationLevel: 'all',
        // Warnings only say that shape ops run on the CPU, as ORT intends; errors still throw.
        logSeverityLevel: 3,
        // ORT's defaults stay: with the CPU arena, memory patterns or prepacking off, the full-size q8
        // VP-Score's peak in Chromium moved by ≤ 0.01 GiB while scoring got 5–49% slower (issue 15).
        ...(preferredOutputLocation ? { preferredOutputLocation } : {}),
        ...(Object.keys(freeDimensionOverrides).length ? { freeDimensionOverrides } : {}),
        ...(data ? { externalData: data } : {}),
      });
      if (ep === 'webgpu') gpuSessions.add(session);
      return session;
    } catch (e) {
      const total = bytes.byteLength + externalBytes(externalData ?? []);
      // Weights read from a Blob go straight into their tensors; bytes are copied into WASM memory.
      throw loadError(e, total, ep, file, !data?.some((d) => d.data instanceof Blob));
    }
  });
}

/** No overrides for bytes that are not a graph: creating the session then says what is wrong. */
function overridesFor(bytes: Uint8Array, shapes: NonNullable<SessionOptions['shapes']>): Record<string, number> {
  try {
    const inputs = graphInputDims(bytes);
    return freeDimensionOverrides(inputs, shapes(inputs));
  } catch {
    return {};
  }
}

/** The bytes of external-data files, given as bytes or as Blobs. */
export const externalBytes = (items: readonly ExternalData[]): number =>
  items.reduce((n, { data }) => n + (data instanceof Uint8Array ? data.byteLength : data.size), 0);

/**
 * External data as onnxruntime gets it: bytes, read here (see ExternalDataForm for why not Blobs,
 * which only the JSPI build could take).
 */
async function externalDataFor(items: readonly ExternalData[]): Promise<{ path: string; data: Uint8Array | Blob }[]> {
  const blobs = !native && loaded !== null && ORT_BUILDS[loaded.name].blobExternalData && externalDataForm === 'blob';
  return Promise.all(items.map(async ({ path, data }) => ({
    path,
    data: data instanceof Uint8Array || blobs ? data : new Uint8Array(await data.arrayBuffer()),
  })));
}

/** What a failed InferenceSession.create means for the user: no memory, bad file, or no backend. */
export function loadError(e: unknown, byteLength: number, ep: EpName, file: string, heldTwice = true): Error {
  const msg = (e as Error)?.message ?? String(e);
  if (ep === 'webgpu' && /adapter|webgpu|backend/i.test(msg) && !/protobuf|parse|load model/i.test(msg)) return e as Error;
  if (/bad_alloc|out of memory|Array buffer allocation failed/i.test(msg)) {
    const mb = (byteLength / 1024 / 1024).toFixed(0);
    const where = ep === 'wasm' ? `WASM memory (4 GB at most${heldTwice ? ', and the model is held twice while loading' : ''})` : 'GPU memory';
    return new OutOfMemoryError(`${file} (${mb} MB) does not fit in ${where}: use a smaller variant (q8 for WASM, q4 for WebGPU) — ${msg}`);
  }
  return new ModelFileError(
    `${file} (${byteLength} bytes) is not a loadable ONNX model — truncated, corrupt or not ONNX: ${msg}`,
  );
}

export function run(
  session: InferenceSession,
  feeds: Record<string, Tensor>,
): Promise<InferenceSession.OnnxValueMapType> {
  return serialized(() => (deviceLost && gpuSessions.has(session) ? gpuRun(session, feeds, deviceLost) : session.run(feeds)));
}

export function tensor(type: 'float32', data: Float32Array, dims: number[]): Tensor;
export function tensor(type: 'float16', data: Uint16Array, dims: number[]): Tensor;
export function tensor(type: 'int64', data: BigInt64Array, dims: number[]): Tensor;
export function tensor(type: 'int32', data: Int32Array, dims: number[]): Tensor;
export function tensor(
  type: 'float32' | 'float16' | 'int64' | 'int32',
  data: Float32Array | Uint16Array | BigInt64Array | Int32Array,
  dims: number[],
): Tensor {
  return new (ort().Tensor)(type, data, dims);
}

export type Tensor = Ort.Tensor;

/** What we use of a GPUDevice: a test hook destroys it; `lost` tells the engine to move to WASM. */
export interface GpuDeviceLike {
  destroy(): void;
  lost: Promise<{ reason?: string; message: string }>;
}

/** ort's WebGPU device, once a WebGPU session exists (asking earlier would make a new device). */
export async function webgpuDevice(): Promise<GpuDeviceLike | undefined> {
  try {
    return (await ort().env.webgpu.device) as unknown as GpuDeviceLike;
  } catch {
    return undefined;
  }
}
