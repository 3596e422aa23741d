// "Get ImageReward": a published checkpoint (checkpoint-manifest.ts) downloaded into the model store
// (progress, resume, sha256 checked), imported from there into a family (streamed, as a checkpoint
// the user picks), and the downloaded checkpoint removed unless the user keeps it. Cancel during the
// download keeps its bytes (Get resumes); during the conversion it removes what the import wrote and
// keeps the checkpoint, so Get starts the conversion again without downloading. A failure says
// at which step it stopped (GetFailure), so the card can say what pressing Get again will do.
import type { ImportProgress } from '../kinds/vp-score/import/import-folder.ts';
import type { Scratch } from '../store/scratch.ts';
import { CheckpointError, ModelFileError, PrefLensError } from '../errors.ts';
import type { DownloadProgress, FileStatus, ModelStore } from '../store/model-store.ts';
import { checkpointFiles, type CheckpointManifest } from './checkpoint-manifest.ts';
import { importFamily, type ImportedFamily } from './family-import.ts';
import { importedFrom } from './import-source.ts';
import { importedFamilyUrl } from './imported-url.ts';
import type { VpDtype } from '../kinds/vp-score/manifest.ts';

export type GetProgress = ({ step: 'download' } & DownloadProgress) | ImportProgress;

/**
 * Carried by the error a failed Get throws (a data field: it crosses the worker with the error).
 * `download`: nothing was converted; a file that failed its size or sha256 check was removed.
 * `convert`: the download was complete and checked; a file that is no checkpoint was removed too
 * (unless kept), since getting it again would fetch the same bytes.
 */
export interface GetFailure {
  getStep: 'download' | 'convert';
}

export interface CheckpointStatus {
  manifest: CheckpointManifest;
  /** The family it becomes. */
  familyUrl: string;
  imported: boolean;
  /** The checkpoint and vocabulary on this device (downloaded, partly, or not). */
  files: FileStatus[];
  /** Imported with "Import a checkpoint…" from this very file (same sha256), not by this card. */
  importedByHand?: boolean;
  /** The manifest's host could not be reached: this is the copy kept when it was imported. */
  manifestStored?: boolean;
}

export async function checkpointStatus(store: ModelStore, m: CheckpointManifest): Promise<CheckpointStatus> {
  const { checkpoint, vocab } = checkpointFiles(m);
  const files = await store.status([checkpoint, vocab]);
  const own = importedFamilyUrl(m.id);
  if (await store.readDocument(own).catch(() => null)) return { manifest: m, familyUrl: own, imported: true, files };
  const byHand = await importedFrom(store, m.checkpoint.sha256);
  return { manifest: m, familyUrl: byHand ?? own, imported: !!byHand, ...(byHand ? { importedByHand: true } : {}), files };
}

export async function getCheckpoint(store: ModelStore, m: CheckpointManifest, o: {
  keepSource: boolean;
  dtypes: VpDtype[];
  scratch: () => Promise<Scratch>;
  signal?: AbortSignal;
  onProgress?: (p: GetProgress) => void;
}): Promise<ImportedFamily> {
  const { checkpoint, vocab } = checkpointFiles(m);
  const failed = (e: unknown, getStep: GetFailure['getStep']) => (e instanceof PrefLensError ? Object.assign(e, { getStep }) : e);
  try {
    await store.download([vocab, checkpoint], { signal: o.signal, onProgress: (p) => o.onProgress?.({ step: 'download', ...p }) });
  } catch (e) {
    // Bytes of the wrong size or sha256 (or an HTML page) would fail the same way if resumed: a
    // file not yet checked is removed, so the card's next press plainly downloads it again.
    if (e instanceof ModelFileError) {
      const unchecked = (await store.status([vocab, checkpoint])).filter((f) => f.state !== 'cached');
      await store.delete(unchecked);
    }
    throw failed(e, 'download');
  }
  try {
    const vocabText = new TextDecoder().decode(await store.read(vocab));
    const family = await importFamily(store, {
      checkpoint: await store.source(checkpoint), checkpointName: checkpoint.name,
      vocab: { text: vocabText, name: vocab.name },
      id: m.id, name: m.name, mean: m.mean, std: m.std,
      heads: m.visionHeads && m.textHeads ? { vision: m.visionHeads, text: m.textHeads } : undefined,
    }, o);
    if (!o.keepSource) await store.delete([checkpoint, vocab]);
    return family;
  } catch (e) {
    if (e instanceof CheckpointError && !o.keepSource) await store.delete([checkpoint, vocab]);
    throw failed(e, 'convert');
  }
}

/** The downloaded checkpoint and vocabulary, complete or partial (an imported family stays). */
export function deleteCheckpointDownload(store: ModelStore, m: CheckpointManifest): Promise<void> {
  const { checkpoint, vocab } = checkpointFiles(m);
  return store.delete([checkpoint, vocab]);
}
