// The Compare view's state: the user's images with their scores, the prompt and its token count,
// the scoring run's progress and outcome, and Score / Cancel / add / remove / Clear.
import type { EngineState } from './engine-state.svelte.ts';
import type { PromptInfo, PromptTokens, ScoreEvent } from '../worker/client.ts';
import { makeItems, MAX_IMAGES, MIN_IMAGES, type CompareItem } from './compare-items.ts';
import { engineBusyLine } from './progress-words.ts';

/** VP-Score's count in the generator's terms (what the prompt field shows), with the last pieces it keeps. */
export interface PromptCount extends PromptTokens {
  keptPieces: string[];
}

const toCount = (p: PromptInfo): PromptCount =>
  ({ tokenCount: p.pieceCount, maxTokens: p.maxPieces, truncated: p.truncated, keptPieces: p.keptPieces });

const clearResult = (it: CompareItem): CompareItem => ({ ...it, result: undefined });

export class CompareState {
  readonly #engine: EngineState;
  prompt = $state('');
  /** Written by the prompt field's counter and by a run's 'prompt' event, whichever came last. */
  promptInfo = $state<PromptCount | null>(null);
  // Large, replaced wholesale on every update: no deep proxying needed.
  #items = $state.raw<CompareItem[]>([]);
  #running = $state(false);
  #progress = $state({ done: 0, total: 0 });
  #notice = $state('');
  /** Set when a lost GPU device moved scoring to WASM mid-run. */
  #moved = '';
  #summary = $state('');
  #error = $state<Error | null>(null);

  readonly ready = $derived.by(() => this.#engine.status === 'ready' && !!this.#engine.model);
  /** The items that go to the engine (refused files are shown, never sent). */
  readonly scorable = $derived(this.#items.filter((it) => !it.refused));
  readonly refusedCount = $derived(this.#items.length - this.scorable.length);
  readonly countOk = $derived(this.scorable.length >= MIN_IMAGES && this.scorable.length <= MAX_IMAGES);
  readonly canScore = $derived(this.ready && !this.#running && this.countOk && this.prompt.trim().length > 0);
  /** Before the first result, while the engine converts a checkpoint: what the run waits for. */
  readonly waiting = $derived.by(() => (this.#running && this.#progress.done === 0 && this.#engine.working ? engineBusyLine(this.#engine.working) : ''));

  constructor(engine: EngineState) {
    this.#engine = engine;
  }

  get items(): CompareItem[] { return this.#items; }
  get running(): boolean { return this.#running; }
  get progress(): { done: number; total: number } { return this.#progress; }
  get notice(): string { return this.#notice; }
  get summary(): string { return this.#summary; }
  get error(): Error | null { return this.#error; }

  /** The scorer's tokenizer, once a model is ready (read in an effect: it reruns when that changes). */
  get countTokens(): ((prompt: string) => Promise<PromptCount>) | null {
    const client = this.#engine.client;
    return client && this.ready ? (p) => client.promptInfo(p).then(toCount) : null;
  }

  dismissError(): void {
    this.#error = null;
  }

  cancel(): void {
    void this.#engine.client?.cancel();
  }

  async addFiles(files: File[]): Promise<void> {
    const { added, dropped } = await makeItems(files, MAX_IMAGES - this.scorable.length);
    this.#items = [...this.#items.map(clearResult), ...added];
    this.#notice = dropped ? `Only ${MAX_IMAGES} images can be compared at once: ${dropped} not added.` : '';
  }

  remove(id: number): void {
    const gone = this.#items.find((it) => it.id === id);
    if (gone?.url) URL.revokeObjectURL(gone.url);
    this.#items = this.#items.filter((it) => it.id !== id).map(clearResult);
  }

  clearAll(): void {
    this.#items.forEach((it) => it.url && URL.revokeObjectURL(it.url));
    this.#items = [];
    this.#notice = '';
  }

  async score(): Promise<void> {
    const client = this.#engine.client;
    if (!client) return;
    this.#error = null;
    this.#notice = '';
    this.#moved = '';
    this.#summary = '';
    this.#items = this.#items.map(clearResult);
    const sent = this.scorable.map((it) => it.id);
    this.#running = true;
    this.#progress = { done: 0, total: sent.length };
    try {
      const images = this.scorable.map((it) => it.file);
      const report = await client.score({ prompt: this.prompt, images }, (e) => this.#onEvent(e, sent));
      const scored = report.results.filter((r) => r.score !== undefined).length;
      const failed = report.results.filter((r) => r.error).length;
      this.#summary = `Scored ${scored} image${scored === 1 ? '' : 's'} in ${(report.timings.totalMs / 1000).toFixed(2)} s.`;
      if (report.cancelled) this.#notice = `Cancelled: ${scored} of ${sent.length} scored and kept.`;
      else if (failed) this.#notice = `${failed} image${failed > 1 ? 's' : ''} could not be scored (see the cards).`;
      if (this.#moved) this.#notice = `${this.#moved}. ${this.#notice}`.trim();
    } catch (e) {
      this.#error = e as Error;
    } finally {
      this.#running = false;
    }
  }

  /** `sent[i]`: the id of the item sent as image i. */
  #onEvent(e: ScoreEvent, sent: number[]): void {
    if (e.kind === 'prompt') this.promptInfo = toCount(e.prompt);
    else if (e.kind === 'backend') {
      this.#engine.backendChanged(e.label, e.reason);
      this.#moved = e.reason;
    } else {
      const id = sent[e.item.index];
      this.#items = this.#items.map((it) => (it.id === id ? { ...it, result: e.item } : it));
      this.#progress = { done: e.done, total: e.total };
    }
  }
}
