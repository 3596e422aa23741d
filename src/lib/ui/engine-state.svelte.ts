// Rune state for the one worker-backed engine: backend, loaded model, busy/error. Components read
// it and call its methods; only the worker client touches the engine.
import { EngineClient, type EngineInfo, type LoadedModel } from '../worker/client.ts';
import type { BackendPreference } from '../engine/backend-choice.ts';

export const BUILTIN_MODEL_URL = () => new URL('models/vp-tiny/', document.baseURI).href;

export class EngineState {
  client: EngineClient | null = null;
  info = $state<EngineInfo | null>(null);
  model = $state<LoadedModel | null>(null);
  /** Where the loaded model came from, as the user chose it: "built-in" or "folder <name>". */
  modelSource = $state('');
  status = $state<'starting' | 'loading-model' | 'ready' | 'failed'>('starting');
  error = $state<Error | null>(null);
  backend = $state<BackendPreference>('auto');

  /** Start (or restart, when the backend setting changes) the worker and load the built-in model. */
  async start(backend: BackendPreference): Promise<void> {
    this.client?.terminate();
    this.backend = backend;
    this.info = null;
    this.model = null;
    this.error = null;
    this.status = 'starting';
    const client = new EngineClient();
    this.client = client;
    try {
      this.info = await client.init({ backend });
      await this.#load('built-in', () => client.loadScorer({ kind: 'url', baseUrl: BUILTIN_MODEL_URL() }));
    } catch (e) {
      this.fail(e);
    }
  }

  async loadFolder(files: File[]): Promise<void> {
    if (!this.client) return;
    const client = this.client;
    const folderName = files[0]?.webkitRelativePath.split('/')[0] || 'selected folder';
    // Only the folder's top-level files matter (preflens.json names the model and tokenizer).
    const top = files.filter((f) => f.webkitRelativePath.split('/').length <= 2);
    await this.#load(`folder ${folderName}`, () => client.loadScorer({ kind: 'files', folderName, files: top }));
  }

  async loadBuiltin(): Promise<void> {
    const client = this.client;
    if (client) await this.#load('built-in', () => client.loadScorer({ kind: 'url', baseUrl: BUILTIN_MODEL_URL() }));
  }

  async #load(source: string, load: () => Promise<LoadedModel>): Promise<void> {
    const previous = this.model;
    this.status = 'loading-model';
    this.error = null;
    try {
      this.model = await load();
      this.modelSource = source;
      this.status = 'ready';
    } catch (e) {
      // A failed load keeps the previous model usable (the engine has not released it).
      this.model = previous;
      this.status = previous ? 'ready' : 'failed';
      this.error = e as Error;
    }
  }

  fail(e: unknown): void {
    this.status = 'failed';
    this.error = e as Error;
  }
}
