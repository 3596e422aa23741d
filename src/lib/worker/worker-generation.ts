// One worker as the client holds it: its comlink remote, and `ended`, which every call on it races
// so that abandoning the worker (a hung load, a lost device) ends its calls instead of leaving them
// pending forever (comlink never settles the calls of a terminated worker).
import * as Comlink from 'comlink';
import type { EngineApi } from '../engine/engine-api.ts';

/** A running worker (or, in tests, anything that speaks comlink on a message port). */
export interface WorkerHandle {
  endpoint: Comlink.Endpoint;
  terminate(): void;
}

/** One worker and the calls it runs: `ended` rejects them all when the client abandons it. */
export interface Generation {
  worker: WorkerHandle;
  remote: Comlink.Remote<EngineApi>;
  ended: Promise<never>;
  end(e: Error): void;
}

export function generation(worker: WorkerHandle): Generation {
  let end!: (e: Error) => void;
  const ended = new Promise<never>((_, reject) => (end = reject));
  ended.catch(() => undefined);
  return { worker, remote: Comlink.wrap<EngineApi>(worker.endpoint), ended, end };
}

