// Evaluation runs and their results in IndexedDB (idb-keyval), written as each image is scored so
// a reload or a crash loses nothing. Results are keyed "<runId>|<promptId>#<k>" and read back by
// key range, so one run's rows are read without touching the others' images.
import { createStore, del, get, promisifyRequest, set, values, type UseStore } from 'idb-keyval';
import { resultKey, type EvalConfig, type EvalResult, type EvalStore } from './eval-run.ts';

export interface EvalRunRecord {
  config: EvalConfig;
  /** The prompt set's name, and the models that made and scored the images. */
  setName: string;
  models: { scorer: string; generator: string };
  createdAt: number;
  status: 'running' | 'stopped' | 'done' | 'cancelled';
}

export class IdbEvalStore implements EvalStore {
  #runs: UseStore = createStore('preflens-eval-runs', 'runs');
  #results: UseStore = createStore('preflens-eval-results', 'results');

  results(runId: string): Promise<EvalResult[]> {
    const range = IDBKeyRange.bound(`${runId}|`, `${runId}|\uffff`);
    return this.#results('readonly', (s) => promisifyRequest(s.getAll(range) as IDBRequest<EvalResult[]>));
  }

  putResult(r: EvalResult): Promise<void> {
    return set(`${r.runId}|${resultKey(r.promptId, r.k)}`, r, this.#results);
  }

  getRun(runId: string): Promise<EvalRunRecord | undefined> {
    return get<EvalRunRecord>(runId, this.#runs);
  }

  putRun(run: EvalRunRecord): Promise<void> {
    return set(run.config.runId, run, this.#runs);
  }

  /** Every saved run, newest first. */
  async runs(): Promise<EvalRunRecord[]> {
    return (await values<EvalRunRecord>(this.#runs)).sort((a, b) => b.createdAt - a.createdAt);
  }

  /** How many images of a run are saved (counted by key, without reading them). */
  saved(runId: string): Promise<number> {
    const range = IDBKeyRange.bound(`${runId}|`, `${runId}|\uffff`);
    return this.#results('readonly', (s) => promisifyRequest(s.count(range)));
  }

  async deleteRun(runId: string): Promise<void> {
    const range = IDBKeyRange.bound(`${runId}|`, `${runId}|\uffff`);
    await this.#results('readwrite', (s) => promisifyRequest(s.delete(range)));
    await del(runId, this.#runs);
  }
}
