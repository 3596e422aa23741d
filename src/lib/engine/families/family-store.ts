// Families in the model store: fetch a manifest once (then read it from the store, so a cached
// family opens offline), plan the variant for this device, report what is on disk, download,
// delete, and read the files back for the engine.
import type { Device } from '../runtime/backend-choice.ts';
import { kindRow } from '../kinds/registry.ts';
import { ManifestError, ModelFileError } from '../errors.ts';
import { fetchManifest } from './fetch-manifest.ts';
import { importSourceUrl, isImportedFamily } from './imported-url.ts';
import { parseFamily, planFamily, type FamilyManifest, type FamilyPlan } from './family-plan.ts';
import type { ReadFile } from '../model-files/read-file.ts';
import type { DownloadProgress, FileState, FileStatus, ModelStore, StoreFile } from '../store/model-store.ts';

export interface FamilyStatus extends FamilyPlan {
  fileStatus: FileStatus[];
  state: FileState;
  presentBytes: number;
}

const text = new TextDecoder();

/** A family's files in every variant: WASM accepts every dtype, so planning for it lists each. */
function everyFile(m: FamilyManifest, url: string): StoreFile[] {
  return kindRow(m.kind, url).variants(m).flatMap((v) => planFamily(m, url, 'wasm', true, v).files);
}

export class FamilyStore {
  constructor(readonly store: ModelStore, private fetchImpl: typeof fetch = (...a) => fetch(...a)) {}

  /** The stored manifest when there is one (no request), else fetched from its URL. */
  async manifest(url: string): Promise<{ manifest: FamilyManifest; bytes: Uint8Array; stored: boolean }> {
    const stored = await this.store.readDocument(url).catch(() => null);
    if (stored) return { manifest: parseFamily(text.decode(stored), url), bytes: stored, stored: true };
    if (isImportedFamily(url)) throw new ModelFileError(`${url} was imported in this browser and is no longer stored here: import the checkpoint again`);
    const bytes = await fetchManifest(url, this.fetchImpl);
    return { manifest: parseFamily(text.decode(bytes), url), bytes, stored: false };
  }

  /** The stored manifest, or null when none is stored (no request). */
  async #stored(url: string): Promise<FamilyManifest | null> {
    const stored = await this.store.readDocument(url).catch(() => null);
    return stored && parseFamily(text.decode(stored), url);
  }

  async plan(url: string, d: Device, variant?: string): Promise<FamilyPlan> {
    return planFamily((await this.manifest(url)).manifest, url, d.ep, d.shaderF16, variant);
  }

  /** The status of a family whose manifest is stored; null for one never downloaded (no request). */
  async storedStatus(url: string, d: Device): Promise<FamilyStatus | null> {
    const m = await this.#stored(url);
    return m ? this.#statusOf(planFamily(m, url, d.ep, d.shaderF16)) : null;
  }

  async status(url: string, d: Device, variant?: string): Promise<FamilyStatus> {
    return this.#statusOf(await this.plan(url, d, variant));
  }

  /** The plan with what of it is on disk. */
  async #statusOf(plan: FamilyPlan): Promise<FamilyStatus> {
    const fileStatus = await this.store.status(plan.files);
    const presentBytes = fileStatus.reduce((n, f) => n + f.present, 0);
    const state: FileState = fileStatus.every((f) => f.state === 'cached') ? 'cached' : presentBytes > 0 ? 'partial' : 'missing';
    return { ...plan, fileStatus, state, presentBytes };
  }

  async download(url: string, d: Device, variant: string | undefined, o: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void }): Promise<FamilyStatus> {
    const { manifest, bytes, stored } = await this.manifest(url);
    const plan = planFamily(manifest, url, d.ep, d.shaderF16, variant);
    await this.store.download(plan.files, o);
    // Kept once the files are: a cached family then opens offline. (Saved after, so a download
    // the quota refuses leaves nothing behind.)
    if (!stored) await this.store.saveDocument(url, bytes);
    return this.status(url, d, variant);
  }

  /**
   * Every variant's files (not only this device's) and the manifest — except files another stored
   * family also names (one URL is one stored file: SD-Turbo's fast preview decoder is SDXS's).
   */
  async delete(url: string): Promise<void> {
    const { manifest } = await this.manifest(url);
    const shared = new Set<string>();
    for (const other of await this.store.documents()) {
      if (other === url) continue;
      const m = await this.#stored(other).catch(() => null);
      for (const f of m ? everyFile(m, other) : []) shared.add(f.url);
    }
    await this.store.delete(everyFile(manifest, url).filter((f) => !shared.has(f.url)));
    await this.store.delete([{ url, name: url, bytes: 0 }]);
    if (isImportedFamily(url)) await this.store.delete([{ url: importSourceUrl(url), name: 'source.json', bytes: 0 }]);
  }

  /** Reads the plan's files from the store; the store verifies each (length, sha256). */
  reader(plan: FamilyPlan): ReadFile {
    const file = (name: string) => {
      const href = new URL(name, plan.baseUrl).href;
      const f = plan.files.find((x) => x.url === href);
      if (!f) throw new ManifestError(`${plan.manifestUrl}: ${name} is not a file of the ${plan.variant} variant`);
      return f;
    };
    const read: ReadFile = async (name) => this.store.read(file(name));
    read.verifies = true;
    read.blob = async (name) => this.store.blob(file(name));
    return read;
  }
}
