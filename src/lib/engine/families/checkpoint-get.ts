// "Get ImageReward": a published checkpoint (checkpoint-manifest.ts) downloaded into the model store
// (progress, resume, sha256 checked), imported from there into a family (streamed, as a checkpoint
// the user picks), and the downloaded checkpoint removed unless the user keeps it. Cancel during the
// download keeps its bytes (Get resumes); during the conversion it removes what the import wrote and
// keeps the checkpoint, so Get starts the conversion again without downloading.
import type { ImportProgress } from '../checkpoint/import-folder.ts';
import type { Scratch } from '../convert/scratch.ts';
import type { DownloadProgress, FileStatus, ModelStore } from '../store/model-store.ts';
import { checkpointFiles, type CheckpointManifest } from './checkpoint-manifest.ts';
import { importFamily, type ImportedFamily } from './family-import.ts';
import { importedFamilyUrl } from './imported-url.ts';
import type { VpDtype } from './vp-score-manifest.ts';

export type GetProgress = ({ step: 'download' } & DownloadProgress) | ImportProgress;

export interface CheckpointStatus {
  manifest: CheckpointManifest;
  /** The family it becomes. */
  familyUrl: string;
  imported: boolean;
  /** The checkpoint and vocabulary on this device (downloaded, partly, or not). */
  files: FileStatus[];
}

export async function checkpointStatus(store: ModelStore, m: CheckpointManifest): Promise<CheckpointStatus> {
  const { checkpoint, vocab } = checkpointFiles(m);
  const familyUrl = importedFamilyUrl(m.id);
  const imported = !!(await store.readDocument(familyUrl).catch(() => null));
  return { manifest: m, familyUrl, imported, files: await store.status([checkpoint, vocab]) };
}

export async function getCheckpoint(store: ModelStore, m: CheckpointManifest, o: {
  keepSource: boolean;
  dtypes: VpDtype[];
  scratch: () => Promise<Scratch>;
  signal?: AbortSignal;
  onProgress?: (p: GetProgress) => void;
}): Promise<ImportedFamily> {
  const { checkpoint, vocab } = checkpointFiles(m);
  await store.download([vocab, checkpoint], { signal: o.signal, onProgress: (p) => o.onProgress?.({ step: 'download', ...p }) });
  const vocabText = new TextDecoder().decode(await store.read(vocab));
  const family = await importFamily(store, {
    checkpoint: await store.source(checkpoint), checkpointName: checkpoint.name,
    vocab: { text: vocabText, name: vocab.name },
    id: m.id, name: m.name, mean: m.mean, std: m.std,
    heads: m.visionHeads && m.textHeads ? { vision: m.visionHeads, text: m.textHeads } : undefined,
  }, o);
  if (!o.keepSource) await store.delete([checkpoint, vocab]);
  return family;
}

/** The downloaded checkpoint and vocabulary, complete or partial (an imported family stays). */
export function deleteCheckpointDownload(store: ModelStore, m: CheckpointManifest): Promise<void> {
  const { checkpoint, vocab } = checkpointFiles(m);
  return store.delete([checkpoint, vocab]);
}
