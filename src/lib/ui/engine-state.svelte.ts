// Rune state for the one worker-backed engine: backend, loaded model, busy/error. Components read
// it and call its methods; only the worker client touches the engine.
import { EngineClient, type DtypeVariant, type EngineInfo, type GetProgress, type LoadedGenerator, type LoadedModel, type LoadProgress, type ModelSource } from '../worker/client.ts';
import type { BackendPreference } from '../engine/runtime/backend-choice.ts';
import type { ModelRole } from '../engine/kinds/model-kind.ts';
import { IMPORT_ORIGIN, isImportedFamily } from '../engine/families/imported-url.ts';
import { knownFamilyUrls } from './known-families.ts';
import { decoderFor, loadDecoderChoices, saveDecoderChoices } from './decoder-choice.ts';
import { loadChosen, saveChosen, type Chosen } from './chosen-models.ts';
import type { DecoderChoice } from '../engine/kinds/sd-turbo/manifest.ts';

export const BUILTIN_MODEL_URL = () => new URL('models/vp-tiny/', document.baseURI).href;
export const BUILTIN_DIFFUSION_URL = () => new URL('models/sd-tiny/', document.baseURI).href;

export interface EngineWork {
  /** The model being made ("ImageReward v1.0"). */
  name: string;
  progress: GetProgress | null;
}

export class EngineState {
  client: EngineClient | null = null;
  info = $state<EngineInfo | null>(null);
  model = $state<LoadedModel | null>(null);
  /** Where the loaded model came from, as the user chose it: "built-in" or "folder <name>". */
  modelSource = $state('');
  /** Manifest URLs of the downloaded families in use (undefined: built-in or a folder). */
  chosen = $state<Chosen>({});
  /** Bumped after each load from the store: a file that failed verification was evicted meanwhile. */
  storeVersion = $state(0);
  /**
   * The run using the models now. The engine runs one at a time (a new one stops the one before),
   * so Generate and Evaluate each wait for the other and say why, never stopping it silently.
   */
  busy = $state<'generate' | 'evaluate' | null>(null);
  /**
   * A checkpoint import or Get the Models view started, with its progress. The engine's worker is one
   * thread and a converter pass holds it between weights, so a score or generate call waits behind
   * it: the view that waits says for what (progress-words.ts engineBusyLine).
   */
  working = $state<EngineWork | null>(null);
  status = $state<'starting' | 'loading-model' | 'ready' | 'failed'>('starting');
  error = $state<Error | null>(null);
  backend = $state<BackendPreference>('auto');
  generator = $state<LoadedGenerator | null>(null);
  /** The generator is the built-in test one (random weights). */
  generatorBuiltin = $state(false);
  /** The generator was chosen for this device (the user picked none): see generator-choice.ts. */
  generatorAuto = $state(false);
  /** What the reward model's and the generator's loads are doing (null when not loading). */
  scorerLoading = $state<LoadProgress | null>(null);
  generatorLoading = $state<LoadProgress | null>(null);
  generatorError = $state<Error | null>(null);
  /** Per family (manifest URL): its fast preview decoder or its own (decoder-choice.ts). */
  decoders = $state<Record<string, DecoderChoice>>(loadDecoderChoices());
  /** A dtype variant forced by ?variant= (tests, or a user comparing them). */
  variant: DtypeVariant | undefined = undefined;

  /** Start (or restart, when the backend setting changes) the worker and load the built-in model. */
  async start(backend: BackendPreference, variant?: DtypeVariant): Promise<void> {
    this.client?.terminate();
    this.backend = backend;
    this.variant = variant ?? this.variant;
    this.info = null;
    this.model = null;
    this.generator = null;
    this.generatorError = null;
    this.error = null;
    this.status = 'starting';
    const client = new EngineClient();
    this.client = client;
    try {
      this.info = await client.init({ backend });
      // The families chosen on an earlier visit, from the store (no request); built-in otherwise or
      // when a stored family no longer loads (its error is shown).
      const chosen = loadChosen();
      if (chosen.scorer) await this.useFamily('judge', chosen.scorer);
      const storeError = this.model ? null : this.error;
      if (!this.model) await this.#load('built-in', (p) => client.loadScorer({ kind: 'url', baseUrl: BUILTIN_MODEL_URL() }, {}, p));
      if (storeError) this.error = storeError;
      // A generator that fails to load stays explained (its error shown) while another one is used;
      // the one the user chose and that just failed is not retried as the automatic choice.
      let generatorError: Error | null = null;
      if (chosen.generator && !(await this.useFamily('generator', chosen.generator))) generatorError = this.generatorError;
      if (!this.generator) {
        await this.useBestGenerator(chosen.generator);
        generatorError ??= this.generatorError;
      }
      if (!this.generator) await this.loadBuiltinGenerator();
      if (generatorError) this.generatorError = generatorError;
    } catch (e) {
      this.fail(e);
    }
  }

  /** The best downloaded generator this device runs, when there is one (read from the store, no request). */
  async useBestGenerator(skip?: string): Promise<void> {
    const client = this.client;
    const best = await client?.bestGenerator(knownFamilyUrls().filter((u) => u !== skip)).catch(() => null);
    if (!client || !best) return;
    try {
      await this.#useFamilyGenerator(client, { kind: 'store', manifestUrl: best.manifestUrl }, true);
    } catch (e) {
      this.generatorError = e as Error;
    } finally {
      this.storeVersion++;
    }
  }

  async loadBuiltinGenerator(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      this.generator = await this.#loadingGenerator((p) => client.loadGenerator({ kind: 'url', baseUrl: BUILTIN_DIFFUSION_URL() }, { variant: this.variant }, p));
      this.generatorBuiltin = true;
      this.generatorAuto = false;
      this.generatorError = null;
      this.#choose({ generator: undefined });
    } catch (e) {
      this.generatorError = e as Error;
    }
  }

  /**
   * Use a downloaded family (read from the store); the choice is kept for the next visit. With
   * `keep: false` the family is read from its host into memory only (storage full), not remembered.
   */
  async useFamily(role: ModelRole, manifestUrl: string, keep = true): Promise<boolean> {
    const client = this.client;
    if (!client) return false;
    const source: ModelSource = keep ? { kind: 'store', manifestUrl } : { kind: 'remote', manifestUrl };
    const label = !keep ? `${manifestUrl} (not kept on this device)`
      : isImportedFamily(manifestUrl) ? `imported ${manifestUrl.slice(IMPORT_ORIGIN.length).split('/')[0]} (this device)` : `downloaded ${manifestUrl}`;
    const remember = (ok: boolean) => (keep && ok ? manifestUrl : undefined);
    try {
      if (role === 'judge') {
        await this.#load(label, (p) => client.loadScorer(source, {}, p));
        const ok = this.modelSource === label && !this.error;
        this.#choose({ scorer: remember(ok) });
        return ok;
      }
      try {
        await this.#useFamilyGenerator(client, source, false);
        this.#choose({ generator: remember(true) });
        return true;
      } catch (e) {
        this.generatorError = e as Error;
        this.#choose({ generator: undefined });
        return false;
      }
    } finally {
      this.storeVersion++;
    }
  }

  #generatorOptions(manifestUrl: string): { variant?: DtypeVariant; decoder: DecoderChoice } {
    return { variant: this.variant, decoder: decoderFor(this.decoders, manifestUrl) };
  }

  /**
   * Use a family's generator with the decoder picked for it (`auto`: chosen for this device, not
   * by the user). A fast preview decoder that
   * does not load (a damaged copy is removed and named) falls back to the family's own decoder,
   * with that error to show: the family and the user's pick stay.
   */
  async #useFamilyGenerator(client: EngineClient, source: ModelSource & { manifestUrl: string }, auto: boolean): Promise<void> {
    const opts = this.#generatorOptions(source.manifestUrl);
    let previewError: Error | null = null;
    try {
      this.generator = await this.#loadingGenerator((p) => client.loadGenerator(source, opts, p));
    } catch (e) {
      if (opts.decoder !== 'preview') throw e;
      previewError = e as Error;
      this.generator = await this.#loadingGenerator((p) => client.loadGenerator(source, { ...opts, decoder: 'full' }, p));
    }
    this.generatorBuiltin = false;
    this.generatorAuto = auto;
    this.generatorError = previewError;
  }

  /** The family is the generator in use: picked by the user, or chosen for this device. */
  generatorInUse(manifestUrl: string): boolean {
    return this.chosen.generator === manifestUrl || this.generator?.origin === manifestUrl;
  }

  /**
   * The decoder a family loads from now on. When that family is the generator in use, it is loaded
   * again with it; a failed load keeps the one in use (the engine releases it only after) and shows why.
   */
  async setDecoder(manifestUrl: string, choice: DecoderChoice): Promise<void> {
    const before = this.decoders;
    this.decoders = { ...before, [manifestUrl]: choice };
    const client = this.client;
    if (!client || this.generator?.origin !== manifestUrl || this.generator.decoder === choice) {
      saveDecoderChoices(this.decoders);
      return;
    }
    try {
      const source: ModelSource = { kind: 'store', manifestUrl };
      this.generator = await this.#loadingGenerator((p) => client.loadGenerator(source, this.#generatorOptions(manifestUrl), p));
      this.generatorError = null;
      saveDecoderChoices(this.decoders);
    } catch (e) {
      // The choice stays what runs: the card shows it, and the next visit loads it.
      this.decoders = before;
      this.generatorError = e as Error;
    } finally {
      this.storeVersion++;
    }
  }

  #choose(c: Chosen): void {
    this.chosen = { ...loadChosen(), ...c };
    saveChosen(this.chosen);
  }

  /** The engine moved to another backend mid-run (a lost GPU device): show it in the header. */
  backendChanged(label: string, reason: string): void {
    if (this.info) this.info = { ...this.info, ep: 'wasm', label, reason };
  }

  async loadFolder(files: File[]): Promise<void> {
    if (!this.client) return;
    const client = this.client;
    const folderName = files[0]?.webkitRelativePath.split('/')[0] || 'selected folder';
    // Only the folder's top-level files matter (preflens.json names the model and tokenizer).
    const top = files.filter((f) => f.webkitRelativePath.split('/').length <= 2);
    await this.#load(`folder ${folderName}`, (p) => client.loadScorer({ kind: 'files', folderName, files: top }, {}, p));
    if (this.modelSource === `folder ${folderName}`) this.#choose({ scorer: undefined });
  }

  async loadBuiltin(): Promise<void> {
    const client = this.client;
    if (!client) return;
    await this.#load('built-in', (p) => client.loadScorer({ kind: 'url', baseUrl: BUILTIN_MODEL_URL() }, {}, p));
    if (this.modelSource === 'built-in') this.#choose({ scorer: undefined });
  }

  async #load(source: string, load: (onProgress: (p: LoadProgress) => void) => Promise<LoadedModel>): Promise<void> {
    const previous = this.model;
    this.status = 'loading-model';
    this.error = null;
    try {
      this.model = await load((p) => (this.scorerLoading = p)).finally(() => (this.scorerLoading = null));
      this.modelSource = source;
      this.status = 'ready';
    } catch (e) {
      // A failed load keeps the previous model usable (the engine has not released it).
      this.model = previous;
      this.status = previous ? 'ready' : 'failed';
      this.error = e as Error;
    }
  }

  async #loadingGenerator(load: (onProgress: (p: LoadProgress) => void) => Promise<LoadedGenerator>): Promise<LoadedGenerator> {
    try {
      return await load((p) => (this.generatorLoading = p));
    } finally {
      this.generatorLoading = null;
    }
  }

  fail(e: unknown): void {
    this.status = 'failed';
    this.error = e as Error;
  }
}
