// The Generate view's state: the form, the run in the grid (its candidates, notice, error), the
// share link of that run, and Generate / Regenerate / Cancel / Copy link.
import { untrack } from 'svelte';
import type { EngineState } from './engine-state.svelte.ts';
import type { GenerateEvent, PromptTokens } from '../worker/client.ts';
import { candidateSeed, DEFAULT_STEPS, inLimits, randomSeed } from '../engine/generate/generate-request.ts';
import { pendingItems, releaseItems, withCandidate, type CandidateItem } from './generate-items.ts';
import { buildShareLink, parseShareLink, type ShareParams } from './share-link.ts';
import { engineBusyLine } from './progress-words.ts';

export class GenerateState {
  readonly #engine: EngineState;
  // A share link (?prompt=…&n=…&seed=…&steps=…) fills the form with its valid values; it runs by
  // itself only when all of them are valid, so a bad link never makes something the sender did not.
  readonly #shared = parseShareLink(location.search);
  prompt = $state(this.#shared?.values.prompt ?? '');
  n = $state(this.#shared?.values.n ?? 4);
  seed = $state(this.#shared?.values.seed ?? randomSeed());
  steps = $state(this.#shared?.values.steps ?? DEFAULT_STEPS);
  /** Written by the prompt field's counter and by a run's 'prompt' event, whichever came last. */
  tokens = $state<PromptTokens | null>(null);

  #linkErrors = $state<string[]>(this.#shared?.errors ?? []);
  /** Plain, not $state: a one-shot flag that runSharedLink clears, so the run starts once. */
  #autoRun = !!this.#shared?.request;
  /** The values of the run in the grid: what "Copy link" shares (not the form, which may have moved on). */
  #shareParams = $state<ShareParams | null>(null);
  #copied = $state<'' | 'copied' | 'failed'>('');
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  #items = $state.raw<CandidateItem[]>([]);
  #runPrompt = $state('');
  #running = $state(false);
  /** The run has made its first denoising step (until then it may be waiting for the engine). */
  #stepped = $state(false);
  #notice = $state('');
  #error = $state<Error | null>(null);

  readonly ready = $derived.by(() => !!this.#engine.generator && this.#engine.status === 'ready');
  readonly nOk = $derived(inLimits('n', this.n));
  readonly stepsOk = $derived(inLimits('steps', this.steps));
  readonly seedOk = $derived(inLimits('seed', this.seed));
  readonly canGenerate = $derived.by(() => this.ready && !this.#running && this.#engine.busy !== 'evaluate' && this.nOk && this.stepsOk && this.seedOk && this.prompt.trim().length > 0);
  /** Before the run's first step, while the engine converts a checkpoint: what the run waits for. */
  readonly waiting = $derived.by(() => (this.#running && !this.#stepped && this.#engine.working ? engineBusyLine(this.#engine.working) : ''));
  readonly made = $derived(this.#items.filter((it) => it.candidate).length);
  /** How many candidates a cancelled run left unmade (the grid's last ones), for "Make the remaining". */
  readonly remaining = $derived.by(() => {
    const first = this.#items.findIndex((it) => !it.candidate);
    if (this.#running || first < 0 || !this.#items.slice(first).every((it) => !it.candidate)) return 0;
    return this.#items.length - first;
  });
  /** Denoising steps done over the whole grid (a finished candidate also counts its decode). */
  readonly stepsDone = $derived(this.#items.reduce((a, it) => a + (it.candidate ? it.steps + 1 : it.step), 0));
  // backend/variant only when forced: they change the pixels, whereas "auto" is the opener's own choice.
  readonly shareLink = $derived.by(() => this.#shareParams && buildShareLink(location, this.#shareParams,
    { backend: this.#engine.backend === 'auto' ? undefined : this.#engine.backend, variant: this.#engine.variant }));

  constructor(engine: EngineState) {
    this.#engine = engine;
  }

  get items(): CandidateItem[] { return this.#items; }
  get runPrompt(): string { return this.#runPrompt; }
  get running(): boolean { return this.#running; }
  get notice(): string { return this.#notice; }
  get error(): Error | null { return this.#error; }
  get linkErrors(): string[] { return this.#linkErrors; }
  get copied(): '' | 'copied' | 'failed' { return this.#copied; }

  /** The generator's tokenizer, once it is loaded (read in an effect: it reruns when that changes). */
  get countTokens(): ((prompt: string) => Promise<PromptTokens>) | null {
    const client = this.#engine.client;
    return client && this.#engine.generator ? (p) => client.generatorPromptInfo(p) : null;
  }

  /**
   * Start the linked run once the generator and scorer are loaded; for an $effect. After the first
   * run it reads no state, so later changes (a new backend, edits) never start it again.
   */
  runSharedLink(): void {
    if (!this.#autoRun || !this.canGenerate) return;
    this.#autoRun = false;
    untrack(() => this.generate());
  }

  newSeed(): void {
    this.seed = randomSeed();
  }

  dismissError(): void {
    this.#error = null;
  }

  cancel(): void {
    void this.#engine.client?.cancel();
  }

  async copyLink(): Promise<void> {
    const link = this.shareLink;
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link); // absent or refused outside secure contexts / without permission
      this.#copied = 'copied';
    } catch {
      this.#copied = 'failed';
    }
    clearTimeout(this.#copiedTimer);
    this.#copiedTimer = setTimeout(() => (this.#copied = ''), 4000);
  }

  generate(): void {
    if (this.#engine.busy === 'evaluate') return;
    releaseItems(this.#items);
    const { prompt, n, seed, steps } = this;
    this.#runPrompt = prompt;
    this.#notice = '';
    this.#linkErrors = [];
    this.#shareParams = { prompt, n, seed, steps };
    this.#items = pendingItems(n, (i) => candidateSeed(seed, i), steps);
    void this.#run(seed, n, (i) => i);
  }

  regenerate(index: number): void {
    const it = this.#items.find((x) => x.index === index);
    if (!it) return;
    this.#notice = '';
    this.#items = this.#items.map((x) => (x.index === index ? { ...x, candidate: undefined, url: undefined, step: 0, steps: this.steps } : x));
    if (it.url) URL.revokeObjectURL(it.url);
    void this.#run(it.seed, 1, () => index);
  }

  /** After a Cancel: the run's missing candidates, with its own prompt, seed and steps. */
  makeRemaining(): void {
    const run = this.#shareParams;
    const count = this.remaining;
    if (!run || !count) return;
    this.#notice = '';
    void this.#run(run.seed, run.n, (i) => i, { from: run.n - count, steps: run.steps });
  }

  /**
   * Make `count` candidates from `runSeed` (from index `from`, with `steps`: a resumed run's own);
   * `place` maps the run's index to the grid's.
   */
  async #run(runSeed: number, count: number, place: (i: number) => number, o: { from?: number; steps?: number } = {}): Promise<void> {
    const client = this.#engine.client;
    if (!client || this.#engine.busy === 'evaluate') return;
    this.#error = null;
    this.#running = true;
    this.#stepped = false;
    this.#engine.busy = 'generate';
    try {
      const report = await client.generate({ prompt: this.#runPrompt, n: count, seed: runSeed, steps: o.steps ?? this.steps, ...(o.from ? { from: o.from } : {}) }, (e) =>
        this.#onEvent(e.kind === 'step' ? { ...e, index: place(e.index) } : e.kind === 'candidate' ? { ...e, candidate: { ...e.candidate, index: place(e.candidate.index) } } : e),
      );
      if (report.cancelled) this.#notice = `${this.#notice ? `${this.#notice} ` : ''}Cancelled: ${report.candidates.length} of ${count} made and kept.`;
    } catch (e) {
      this.#error = e as Error;
    } finally {
      this.#running = false;
      this.#engine.busy = null;
    }
  }

  #onEvent(e: GenerateEvent): void {
    if (e.kind === 'step' || e.kind === 'candidate') this.#stepped = true;
    if (e.kind === 'prompt') this.tokens = e.tokens;
    else if (e.kind === 'step') this.#items = this.#items.map((it) => (it.index === e.index ? { ...it, step: e.step } : it));
    else if (e.kind === 'candidate') {
      this.#items = this.#items.map((it) => (it.index === e.candidate.index ? withCandidate(it, e.candidate) : it));
    } else if (e.kind === 'backend') {
      this.#engine.backendChanged(e.label, e.reason);
      this.#notice = `${e.reason}.`;
    }
  }
}
