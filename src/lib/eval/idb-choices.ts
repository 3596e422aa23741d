// The user's A/B choices, kept in IndexedDB as they are made (one per pair; choosing again replaces).
import { createStore, delMany, set, values, type UseStore } from 'idb-keyval';
import type { AbChoice } from './ab-pairs.ts';

export class IdbChoices {
  #db: UseStore = createStore('preflens-ab-choices', 'choices');

  put(c: AbChoice): Promise<void> {
    return set(c.id, c, this.#db);
  }

  async forRun(runId: string): Promise<AbChoice[]> {
    return (await values<AbChoice>(this.#db)).filter((c) => c.runId === runId).sort((x, y) => x.at - y.at);
  }

  /** A deleted run's choices go with it. */
  async deleteRun(runId: string): Promise<void> {
    await delMany((await this.forRun(runId)).map((c) => c.id), this.#db);
  }
}
