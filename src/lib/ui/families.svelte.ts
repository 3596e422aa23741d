// The Models view's state: which families are listed (the real SD-Turbo manifest the app ships,
// ones the user added by URL or imported from a checkpoint, and ?family= links), what the worker
// says about each (variant for this device, files on disk), the running download's or import's
// progress, and storage use.
import type { CheckpointStatus, DownloadProgress, FamilyStatus, GetProgress, ImportProgress, ImportRequest, StorageInfo } from '../worker/client.ts';
import type { EngineState } from './engine-state.svelte.ts';
import { isImportedFamily } from '../engine/families/imported-url.ts';
import { fetchableUrl } from '../engine/model-files/file-entry.ts';
import { loadAdded, saveAdded, SHIPPED_CHECKPOINTS, SHIPPED_FAMILIES } from './known-families.ts';
import { isLinkedCheckpoint, linkRefusal } from './checkpoint-link.ts';

/** An absolute https manifest URL (http only for this machine), or an Error saying what is wrong. */
export function checkedFamilyUrl(raw: string, base = document.baseURI): string {
  let url: URL;
  try {
    url = new URL(raw.trim().replace(/\/$/, '/preflens.json'), base);
  } catch {
    throw new Error(`"${raw.trim()}" is not a URL`);
  }
  if (!fetchableUrl(url)) {
    throw new Error(`${url.protocol}// is not allowed: a model is only fetched over https (plain http only from this machine)`);
  }
  return url.href;
}

export class FamiliesState {
  urls = $state<string[]>([]);
  added = $state<string[]>(loadAdded());
  status = $state<Record<string, FamilyStatus>>({});
  errors = $state<Record<string, Error>>({});
  downloading = $state<string | null>(null);
  progress = $state<DownloadProgress | null>(null);
  storage = $state<StorageInfo | null>(null);
  /** The checkpoint import in progress (one at a time), its progress, and how the last one ended. */
  importing = $state<string | null>(null);
  importProgress = $state<ImportProgress | null>(null);
  importError = $state<Error | null>(null);
  imported = $state<string | null>(null);
  /**
   * Published checkpoints: status, why the manifest could not be read, how the last Get failed
   * (kept until the user dismisses it or acts again: a refresh of the card must not hide it), the
   * one being fetched and converted and its progress.
   */
  checkpointUrls: string[];
  checkpoints = $state<Record<string, CheckpointStatus>>({});
  checkpointErrors = $state<Record<string, Error>>({});
  getErrors = $state<Record<string, Error>>({});
  getting = $state<string | null>(null);
  getProgress = $state<GetProgress | null>(null);
  /** Cancel was pressed on the running import or get: its button says so until the worker stops. */
  cancellingImport = $state(false);

  constructor(private engine: EngineState, linked: string[] = [], linkedCheckpoints: string[] = []) {
    const abs = (u: string) => new URL(u, document.baseURI).href;
    this.urls = [...new Set([...SHIPPED_FAMILIES(), ...this.added, ...linked.map(abs)])];
    this.checkpointUrls = [...new Set([...SHIPPED_CHECKPOINTS(), ...linkedCheckpoints.map(abs)])];
  }

  async refreshAll(): Promise<void> {
    await Promise.all([...this.urls.map((u) => this.refresh(u)), ...this.checkpointUrls.map((u) => this.refreshCheckpoint(u))]);
    await this.refreshStorage();
  }

  async refreshCheckpoint(url: string): Promise<void> {
    const refused = isLinkedCheckpoint(url) && linkRefusal(url);
    if (refused) return void (this.checkpointErrors[url] = refused); // never fetched
    try {
      const c = await this.engine.client?.inspectCheckpoint(url);
      if (c) this.checkpoints[url] = c;
      delete this.checkpointErrors[url];
    } catch (e) {
      this.checkpointErrors[url] = e as Error;
    }
  }

  async refresh(url: string): Promise<void> {
    const client = this.engine.client;
    if (!client) return;
    try {
      this.status[url] = await client.inspectFamily(url);
      delete this.errors[url];
    } catch (e) {
      delete this.status[url];
      this.errors[url] = e as Error;
    }
  }

  /** Other listed families naming one of this family's files (one URL is one stored file) show it as it now is. */
  async #refreshSharing(url: string): Promise<void> {
    const files = new Set(this.status[url]?.files.map((f) => f.url) ?? []);
    const others = this.urls.filter((u) => u !== url && this.status[u]?.files.some((f) => files.has(f.url)));
    await Promise.all(others.map((u) => this.refresh(u)));
  }

  async refreshStorage(): Promise<void> {
    this.storage = (await this.engine.client?.storageInfo().catch(() => null)) ?? null;
  }

  /**
   * Add a family by the URL of its manifest (a VP-Score export's preflens.json, or an SD-Turbo one).
   * A URL that is not https (http only on this machine) is refused before any request; one whose
   * manifest cannot be read is not listed: the error says why (thrown for the form to show).
   */
  async add(raw: string): Promise<void> {
    // A folder URL ("…/my-export/") means the preflens.json inside it.
    const url = checkedFamilyUrl(raw);
    if (this.urls.includes(url)) return this.refresh(url);
    this.urls = [...this.urls, url];
    await this.refresh(url);
    const error = this.errors[url];
    if (error) {
      this.urls = this.urls.filter((u) => u !== url);
      delete this.errors[url];
      throw error;
    }
    this.#remember(url);
  }

  #remember(url: string): void {
    if (this.added.includes(url) || SHIPPED_FAMILIES().includes(url)) return;
    this.added = [...this.added, url];
    saveAdded(this.added);
  }

  remove(url: string): void {
    this.urls = this.urls.filter((u) => u !== url);
    this.added = this.added.filter((u) => u !== url);
    saveAdded(this.added);
    delete this.status[url];
    delete this.errors[url];
  }

  async download(url: string): Promise<void> {
    const client = this.engine.client;
    if (!client || this.downloading) return;
    this.downloading = url;
    this.progress = null;
    delete this.errors[url];
    try {
      this.status[url] = await client.downloadFamily(url, {}, (p) => (this.progress = p));
      await this.#refreshSharing(url);
      // Kept in the list (a ?family= link is not): a family on disk is listed on every visit, and
      // Generate may choose it (knownFamilyUrls).
      this.#remember(url);
    } catch (e) {
      // Cancelled or failed: the bytes already stored stay (a later Download resumes). Show the
      // family as it now is on disk, then the error (refresh clears the card's error).
      await this.refresh(url);
      if ((e as Error).name !== 'CancelledError') this.errors[url] = e as Error;
    } finally {
      this.downloading = null;
      this.progress = null;
      await this.refreshStorage();
    }
  }

  cancel(): Promise<void> | undefined {
    return this.engine.client?.cancelDownload();
  }

  async delete(url: string): Promise<void> {
    const client = this.engine.client;
    if (!client) return;
    const role = this.status[url]?.role;
    const inUse = role === 'judge' ? this.engine.chosen.scorer === url : this.engine.generatorInUse(url);
    try {
      await client.deleteFamily(url);
      if (inUse && role === 'judge') await this.engine.loadBuiltin();
      else if (inUse) await this.engine.loadBuiltinGenerator();
    } catch (e) {
      this.errors[url] = e as Error;
    }
    if (isImportedFamily(url) && !this.errors[url]) {
      this.remove(url);
      await Promise.all(this.checkpointUrls.map((u) => this.refreshCheckpoint(u))); // "Get" is offered again
    } else await this.refresh(url);
    await this.#refreshSharing(url);
    await this.refreshStorage();
  }

  /**
   * Import a checkpoint into the store (the worker converts it, streamed); the new family joins the
   * list like an added one. Cancel or failure leaves nothing stored (the engine removes it).
   */
  async importCheckpoint(req: ImportRequest): Promise<void> {
    const client = this.engine.client;
    if (!client || this.importing) return;
    this.importing = req.checkpointName;
    this.importProgress = null;
    this.importError = null;
    this.imported = null;
    // The published checkpoints on the cards: importing one of those very files marks its card as done.
    const recognise = Object.values(this.checkpoints).map((c) => ({ bytes: c.manifest.checkpoint.bytes, sha256: c.manifest.checkpoint.sha256 }));
    this.engine.working = { name: req.name, progress: null };
    try {
      const { url } = await client.importCheckpoint({ ...req, recognise }, (p) => (this.importProgress = this.#working(p)));
      this.imported = url;
      await this.#listImported(url);
      // Only a card whose file this may be (same size) can have changed: no other card is asked again.
      const mayBe = this.checkpointUrls.filter((u) => this.checkpoints[u]?.manifest.checkpoint.bytes === req.checkpoint.size);
      await Promise.all(mayBe.map((u) => this.refreshCheckpoint(u)));
    } catch (e) {
      if ((e as Error).name !== 'CancelledError') this.importError = e as Error;
    } finally {
      this.importing = null;
      this.importProgress = null;
      this.engine.working = null;
      this.cancellingImport = false;
      await this.refreshStorage();
    }
  }

  cancelImport(): Promise<void> | undefined {
    if (this.importing || this.getting) this.cancellingImport = true;
    return this.engine.client?.cancelImport();
  }

  /** "Get ImageReward": download, convert, tidy up; Cancel is cancelImport() (the download's bytes stay). */
  async getCheckpoint(url: string, keepSource: boolean): Promise<void> {
    const client = this.engine.client;
    if (!client || this.getting || this.importing) return;
    this.getting = url;
    this.getProgress = null;
    delete this.getErrors[url];
    this.engine.working = { name: this.checkpoints[url]?.manifest.name ?? 'a checkpoint', progress: null };
    try {
      const family = await client.getCheckpoint(url, { keepSource }, (p) => (this.getProgress = this.#working(p)));
      await this.#listImported(family.url);
    } catch (e) {
      if ((e as Error).name !== 'CancelledError') this.getErrors[url] = e as Error;
    } finally {
      this.getting = null;
      this.getProgress = null;
      this.engine.working = null;
      this.cancellingImport = false;
      await this.refreshCheckpoint(url);
      await this.refreshStorage();
    }
  }

  /** Free the space of a kept or half-downloaded checkpoint (the imported model stays). */
  async deleteCheckpointDownload(url: string): Promise<void> {
    delete this.getErrors[url];
    try {
      await this.engine.client?.deleteCheckpointDownload(url);
    } catch (e) {
      this.getErrors[url] = e as Error;
    }
    await this.refreshCheckpoint(url);
    await this.refreshStorage();
  }

  /** The progress, also told to the engine's state: a score or generate waiting for the worker says what it waits for. */
  #working<P extends GetProgress>(p: P): P {
    if (this.engine.working) this.engine.working.progress = p;
    return p;
  }

  async #listImported(url: string): Promise<void> {
    if (!this.urls.includes(url)) this.urls = [url, ...this.urls];
    this.added = [...this.added.filter((u) => u !== url), url];
    saveAdded(this.added);
    await this.refresh(url);
  }

  /** `keep: false`: read it from its host into memory for this visit only (storage is full). */
  async use(url: string, keep = true): Promise<void> {
    const s = this.status[url];
    if (!s) return;
    delete this.errors[url];
    const ok = await this.engine.useFamily(s.role, url, keep);
    if (!ok) {
      const err = s.role === 'judge' ? this.engine.error : this.engine.generatorError;
      if (err) this.errors[url] = err;
      // A corrupt file was evicted while loading: show the family as it now is on disk.
      await this.refresh(url);
      if (err) this.errors[url] = err;
    }
  }
}
