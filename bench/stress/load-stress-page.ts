// Runs inside Chromium (the bench page): load one model folder from OPFS again and again, each
// time in a fresh worker (a fresh onnxruntime instance, as a page load gives), and report how each
// load ended. The Node side (bench/stress/load-stress.ts) copies the folder into OPFS first.
import type { OrtBuildName } from '../../src/lib/engine/runtime/ort-build.ts';
import type { BackendPreference } from '../../src/lib/engine/runtime/backend-choice.ts';
import { EngineClient } from '../../src/lib/worker/client.ts';

export interface LoadStressArgs {
  /** OPFS folder holding the model's files (copied there by the driver). */
  folder: string;
  files: string[];
  loads: number;
  backend: BackendPreference;
  numThreads: number;
  ortBuild?: OrtBuildName;
  /** How external data reaches onnxruntime (the JSPI build takes either). */
  externalData?: 'blob' | 'bytes';
  /** A load not settled by then counts as hung; its worker is terminated. */
  hungMs: number;
}

export interface LoadOutcome {
  ms: number;
  outcome: 'ok' | 'hung' | 'error';
  /** The last progress the load reported, or the error. */
  detail: string;
}

async function opfsFiles(folder: string, names: string[]): Promise<File[]> {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder);
  return Promise.all(names.map(async (n) => (await dir.getFileHandle(n)).getFile()));
}

async function oneLoad(args: LoadStressArgs): Promise<LoadOutcome> {
  // The client's own load guard off (the longest timer there is): this measures the raw loads.
  const client = new EngineClient(undefined, () => 2 ** 31 - 1);
  let last = 'init';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t0 = performance.now();
  const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), args.hungMs)));
  try {
    const load = (async () => {
      await client.init({ backend: args.backend, numThreads: args.numThreads, ortBuild: args.ortBuild, externalData: args.externalData });
      const files = await opfsFiles(args.folder, args.files);
      await client.loadScorer({ kind: 'files', folderName: args.folder, files }, {}, (p) => (last = `${p.step} ${p.file}`));
      return 'ok' as const;
    })();
    const outcome = await Promise.race([load, hung]);
    return { ms: performance.now() - t0, outcome, detail: last };
  } catch (e) {
    return { ms: performance.now() - t0, outcome: 'error', detail: `${(e as Error).name}: ${(e as Error).message}` };
  } finally {
    clearTimeout(timer);
    client.terminate();
  }
}

async function loadStress(args: LoadStressArgs): Promise<LoadOutcome[]> {
  const out: LoadOutcome[] = [];
  for (let i = 0; i < args.loads; i++) {
    out.push(await oneLoad(args));
    console.log(`stress: ${i + 1}/${args.loads} ${out.at(-1)!.outcome} ${out.at(-1)!.ms.toFixed(0)} ms`);
  }
  return out;
}

/** Copy files from `baseUrl` into OPFS folder `folder`, streamed. */
async function copyFolderIntoOpfs(baseUrl: string, folder: string, names: string[]): Promise<void> {
  const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(folder, { create: true });
  for (const name of names) {
    const handle = await dir.getFileHandle(name, { create: true });
    const res = await fetch(new URL(name, baseUrl));
    await res.body!.pipeTo(await handle.createWritable());
  }
}

Object.assign(globalThis, { loadStress, copyFolderIntoOpfs });
