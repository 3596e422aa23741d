// The Evaluate view's state: the current run (kept in IndexedDB with every scored image), its
// progress, and Run / Pause / Resume / Cancel; the past runs (open, delete) and storage use. The id
// of the run shown is remembered in localStorage, so a reload offers to resume it where it stopped.
import { runEvaluation, type EvalPrompt, type EvalProgress, type EvalResult } from '../eval/eval-run.ts';
import { IdbChoices } from '../eval/idb-choices.ts';
import { IdbEvalStore, type EvalRunRecord } from '../eval/idb-eval-store.ts';
import type { EngineState } from './engine-state.svelte.ts';

const ACTIVE_KEY = 'preflens.eval.active-run';

export interface NewRun {
  setName: string;
  prompts: EvalPrompt[];
  k: number;
  seed: number;
  steps: number;
}

export class EvalState {
  readonly store = new IdbEvalStore();
  readonly choices = new IdbChoices();
  run = $state<EvalRunRecord | null>(null);
  past = $state.raw<{ run: EvalRunRecord; saved: number }[]>([]);
  storageUsed = $state<number | null>(null);
  results = $state.raw<EvalResult[]>([]);
  progress = $state<EvalProgress | null>(null);
  running = $state(false);
  error = $state<Error | null>(null);
  #abort: AbortController | null = null;

  constructor(private engine: EngineState) {}

  /** The run of the last visit, if any (with its saved results). */
  async restore(): Promise<void> {
    const id = localStorage.getItem(ACTIVE_KEY);
    const run = id ? await this.store.getRun(id) : undefined;
    if (!run) return;
    // A run that was going when the page went away is stopped now; Resume goes on.
    this.run = run.status === 'running' ? { ...run, status: 'stopped' } : run;
    this.results = await this.store.results(run.config.runId);
    this.progress = { done: this.results.length, total: run.config.prompts.length * run.config.k, madeNow: 0, imagesPerSecond: 0, etaSeconds: null };
  }

  async start(n: NewRun): Promise<void> {
    const runId = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const run: EvalRunRecord = {
      config: { runId, prompts: n.prompts, k: n.k, seed: n.seed, steps: n.steps },
      setName: n.setName,
      models: { scorer: this.engine.model?.id ?? '?', generator: this.engine.generator?.id ?? '?' },
      createdAt: Date.now(),
      status: 'stopped',
    };
    await this.store.putRun(run);
    localStorage.setItem(ACTIVE_KEY, runId);
    this.run = run;
    void this.refreshPast();
    this.results = [];
    await this.resume();
  }

  async resume(): Promise<void> {
    const client = this.engine.client;
    const run = this.run;
    if (!client || !run || this.running || this.engine.busy === 'generate') return;
    this.running = true;
    this.engine.busy = 'evaluate';
    this.error = null;
    const abort = new AbortController();
    this.#abort = abort;
    await this.#setStatus('running');
    try {
      const outcome = await runEvaluation(run.config, {
        store: this.store,
        engine: client,
        signal: abort.signal,
        onProgress: (p) => (this.progress = p),
        onResult: (r) => (this.results = [...this.results, r]),
      });
      await this.#setStatus(outcome === 'done' ? 'done' : abort.signal.reason === 'cancel' ? 'cancelled' : 'stopped');
    } catch (e) {
      this.error = e as Error;
      await this.#setStatus('stopped');
    } finally {
      this.running = false;
      this.engine.busy = null;
      this.#abort = null;
      void this.refreshPast();
    }
  }

  /** Stop after the candidate in progress; what was scored is saved, Resume goes on. */
  pause(): void {
    this.#abort?.abort('pause');
    void this.engine.client?.cancel();
  }

  /** Like Pause, but the run is marked cancelled (its results stay, for the summary and export). */
  cancel(): void {
    this.#abort?.abort('cancel');
    void this.engine.client?.cancel();
  }

  async discard(): Promise<void> {
    if (this.running || !this.run) return;
    await this.deleteRun(this.run.config.runId);
  }

  /** Saved runs (newest first) with how many images each has, and the site's storage use. */
  async refreshPast(): Promise<void> {
    const runs = await this.store.runs();
    this.past = await Promise.all(runs.map(async (run) => ({ run, saved: await this.store.saved(run.config.runId) })));
    this.storageUsed = (await navigator.storage?.estimate?.().catch(() => undefined))?.usage ?? null;
  }

  /** Show a past run (its summary, gallery, exports, A/B), as it was saved. */
  async open(runId: string): Promise<void> {
    if (this.running) return;
    localStorage.setItem(ACTIVE_KEY, runId);
    await this.restore();
  }

  /** A run, its images and its A/B choices, removed from this browser. */
  async deleteRun(runId: string): Promise<void> {
    if (this.running && this.run?.config.runId === runId) return;
    await this.store.deleteRun(runId);
    await this.choices.deleteRun(runId);
    if (this.run?.config.runId === runId) {
      localStorage.removeItem(ACTIVE_KEY);
      this.run = null;
      this.results = [];
      this.progress = null;
    }
    await this.refreshPast();
  }

  async #setStatus(status: EvalRunRecord['status']): Promise<void> {
    if (!this.run) return;
    this.run = { ...this.run, status };
    await this.store.putRun($state.snapshot(this.run) as EvalRunRecord);
  }
}
