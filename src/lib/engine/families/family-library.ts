// The engine's model library: families kept in the model store (downloaded once for offline use,
// or imported from a checkpoint on this device or one the app fetched: "Get ImageReward"), what
// each needs on this device, downloads and imports with their own cancels (either may run while
// the user generates), deletion, storage use.
import { BackendError, DownloadError } from '../errors.ts';
import type { ImportProgress } from '../kinds/vp-score/import/import-progress.ts';
import { memoryScratch, type Scratch, type ScratchLeftover } from '../store/scratch.ts';
import { openBrowserStore } from '../store/browser-store.ts';
import type { DownloadProgress, ModelStore, StorageInfo } from '../store/model-store.ts';
import { hasOpfs } from '../store/opfs-storage.ts';
import { opfsLeftover, opfsScratch } from '../store/opfs-scratch.ts';
import { importFamily, type ImportedFamily, type ImportRequest } from './family-import.ts';
import { importDtypes } from '../kinds/vp-score/import-dtypes.ts';
import { FamilyStore, type FamilyStatus } from './family-store.ts';
import type { Device } from '../runtime/backend-choice.ts';
import { checkpointStatus, deleteCheckpointDownload, getCheckpoint, type CheckpointStatus, type GetProgress } from './checkpoint-get.ts';
import { parseCheckpointManifest, type CheckpointManifest } from './checkpoint-manifest.ts';
import { fetchManifest } from './fetch-manifest.ts';
import { bestGenerator } from './generator-choice.ts';

export interface LibraryDeps {
  /** The model store to use (tests); by default OPFS + IndexedDB when the browser has them. */
  store?: ModelStore | null;
  /** Scratch space for imports; by default OPFS in the browser, memory elsewhere. */
  scratch?: () => Promise<Scratch>;
  /** Where a scratch file outlives its tab (OPFS by default; none in memory). */
  leftover?: ScratchLeftover | null;
}

export class FamilyLibrary {
  #families: FamilyStore | null | undefined;
  #download: AbortController | null = null;
  #import: AbortController | null = null;
  readonly #scratch: () => Promise<Scratch>;
  readonly #leftover: ScratchLeftover | null;

  constructor(private device: () => Device, deps: LibraryDeps = {}) {
    this.#families = deps.store === undefined ? undefined : deps.store && new FamilyStore(deps.store);
    this.#scratch = deps.scratch ?? (hasOpfs() ? opfsScratch : async () => memoryScratch());
    this.#leftover = deps.leftover !== undefined ? deps.leftover : hasOpfs() ? opfsLeftover : null;
  }

  /**
   * The scratch file of a conversion cut short (its tab closed), removed unless a conversion runs
   * here; one that another tab's conversion holds open stays (and is counted by storageInfo).
   */
  async removeLeftoverScratch(): Promise<void> {
    if (this.#import) return;
    await this.#leftover?.remove().catch(() => undefined);
  }

  /** The family store; throws where the browser cannot keep models. */
  get families(): FamilyStore {
    if (this.#families === undefined) {
      const store = openBrowserStore();
      this.#families = store && new FamilyStore(store);
    }
    if (!this.#families) {
      throw new BackendError('This browser cannot keep downloaded models (no Origin Private File System): load a local folder instead');
    }
    return this.#families;
  }

  inspect(manifestUrl: string, variant?: string): Promise<FamilyStatus> {
    return this.families.status(manifestUrl, this.device(), variant);
  }

  /** The generator Generate should use among these families (generator-choice.ts); reads only the store. */
  async bestGenerator(manifestUrls: readonly string[]): Promise<FamilyStatus | null> {
    const statuses = await Promise.all(manifestUrls.map((u) => this.families.storedStatus(u, this.device()).catch(() => null)));
    return bestGenerator(statuses.filter((s): s is FamilyStatus => s !== null)) ?? null;
  }

  async download(manifestUrl: string, variant?: string, onProgress?: (p: DownloadProgress) => void): Promise<FamilyStatus> {
    const abort = this.#restart('download');
    try {
      return await this.families.download(manifestUrl, this.device(), variant, { signal: abort.signal, onProgress });
    } finally {
      if (this.#download === abort) this.#download = null;
    }
  }

  cancelDownload(): void {
    this.#download?.abort();
  }

  /** A checkpoint → a family in the store, with this device's dtype first and q8 for WASM. */
  async import(req: ImportRequest, onProgress?: (p: ImportProgress) => void): Promise<ImportedFamily> {
    const abort = this.#restart('import');
    const { ep, shaderF16 } = this.device();
    try {
      return await importFamily(this.families.store, req, { dtypes: importDtypes(ep, shaderF16), scratch: this.#scratch, signal: abort.signal, onProgress });
    } finally {
      if (this.#import === abort) this.#import = null;
    }
  }

  async inspectCheckpoint(url: string): Promise<CheckpointStatus> {
    const { manifest, stored } = await this.#checkpointManifest(url);
    return { ...(await checkpointStatus(this.families.store, manifest)), ...(stored ? { manifestStored: true } : {}) };
  }

  /** Download, import and tidy up a published checkpoint; one import or get at a time. */
  async getCheckpoint(url: string, keepSource: boolean, onProgress?: (p: GetProgress) => void): Promise<ImportedFamily> {
    const { manifest: m, bytes } = await this.#checkpointManifest(url);
    const abort = this.#restart('import');
    const { ep, shaderF16 } = this.device();
    try {
      const family = await getCheckpoint(this.families.store, m, { keepSource, dtypes: importDtypes(ep, shaderF16), scratch: this.#scratch, signal: abort.signal, onProgress });
      // Kept with the model it became: offline, its card still knows the model is here.
      await this.families.store.saveDocument(url, bytes);
      return family;
    } finally {
      if (this.#import === abort) this.#import = null;
    }
  }

  async deleteCheckpointDownload(url: string): Promise<void> {
    await deleteCheckpointDownload(this.families.store, (await this.#checkpointManifest(url)).manifest);
  }

  /**
   * Fetched each time (a published manifest may be corrected); when its host cannot be reached,
   * the copy kept by a successful Get (`stored`), else the fetch's error.
   */
  async #checkpointManifest(url: string): Promise<{ manifest: CheckpointManifest; bytes: Uint8Array; stored: boolean }> {
    let bytes: Uint8Array;
    let stored = false;
    try {
      bytes = await fetchManifest(url);
    } catch (e) {
      const kept = e instanceof DownloadError ? await this.families.store.readDocument(url).catch(() => null) : null;
      if (!kept) throw e;
      [bytes, stored] = [kept, true];
    }
    return { manifest: parseCheckpointManifest(new TextDecoder().decode(bytes), url), bytes, stored };
  }

  cancelImport(): void {
    this.#import?.abort();
  }

  delete(manifestUrl: string): Promise<void> {
    return this.families.delete(manifestUrl);
  }

  /** The store's files, and a scratch file while there is one (it takes space like them). */
  async storageInfo(): Promise<StorageInfo> {
    const info = await this.families.store.info();
    const scratchBytes = (await this.#leftover?.bytes().catch(() => 0)) ?? 0;
    return scratchBytes ? { ...info, storeBytes: info.storeBytes + scratchBytes, scratchBytes } : info;
  }

  #restart(kind: 'download' | 'import'): AbortController {
    const abort = new AbortController();
    if (kind === 'download') {
      this.#download?.abort();
      this.#download = abort;
    } else {
      this.#import?.abort();
      this.#import = abort;
    }
    return abort;
  }
}
