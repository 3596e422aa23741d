// What a failed "Get" means for the user, in the card's own terms: the hint under the error (the
// engine's hints speak of other forms: "press Download again", "pick a variant") and the button's
// words, which say whether pressing it again downloads the whole file again.
import type { GetFailure } from '../engine/families/checkpoint-get.ts';
import { formatBytes } from '../engine/store/format-bytes.ts';
import type { CheckpointStatus } from '../worker/client.ts';

export interface FailureWords {
  hint: string;
  /** The Get button's label after this failure; the card's usual label when absent. */
  retry?: string;
}

export function getFailureWords(e: Error, c: CheckpointStatus | undefined): FailureWords {
  const total = c?.files.reduce((n, f) => n + f.bytes, 0) ?? 0;
  const onDisk = c?.files.reduce((n, f) => n + f.present, 0) ?? 0;
  const left = formatBytes(total - onDisk);
  const host = c ? new URL(c.files[0].url).host : 'the host';
  const step = (e as Partial<GetFailure>).getStep;
  if (step === 'download' && e.name === 'ModelFileError') {
    return {
      hint: `The file ${host} sent is not the one the manifest names (its size or sha256 differs), so it was removed and nothing was converted. `
        + `Downloading again fetches ${left} and fails the same way unless the file on ${host} or the manifest is corrected.`,
      retry: `Download again (${left})`,
    };
  }
  if (step === 'download' && e.name === 'DownloadError' && /HTTP 404\b/.test(e.message)) {
    return { hint: `${host} has no file at the address the manifest names: the manifest may be out of date. Nothing was converted.`, retry: `Try again (${left})` };
  }
  if (step === 'download' && e.name === 'DownloadError') {
    return { hint: `Check the connection, then press the button again: ${onDisk ? `the ${formatBytes(onDisk)} already here are kept and ` : ''}the download resumes where it stopped.` };
  }
  if (step === 'convert' && e.name === 'CheckpointError') {
    const kept = onDisk > 0 && onDisk === total;
    return {
      hint: `The file from ${host} matches the manifest's sha256 but is not a usable checkpoint, so nothing was imported${kept ? '; the download is kept, as you asked' : ' and the download was removed'}. `
        + 'Getting it again brings the same file: the manifest names the wrong one.',
      retry: kept ? undefined : `Download again (${left})`,
    };
  }
  if (step === 'convert') {
    return { hint: `Nothing was imported.${onDisk === total && total ? ' The download is kept: converting again needs no download.' : ''}` };
  }
  if (e.name === 'StorageQuotaError') return { hint: 'Delete a downloaded model below, or free disk space, then press the button again: nothing else was removed.' };
  // Before any download: the manifest itself could not be fetched or read.
  return { hint: 'Nothing was downloaded. Check the connection (or the manifest link), then press the button again.' };
}

/** Why the card could not read its manifest, in the card's terms (nothing was downloaded either way). */
export function manifestHint(e: Error, linked: boolean): string {
  if (e.name === 'DownloadError') {
    return `Nothing was downloaded. Check the connection${linked ? ' and the link' : ''}, then reload the page.`;
  }
  return linked
    ? 'Nothing was downloaded. Ask whoever gave you the link for one to a PrefLens checkpoint manifest over https.'
    : 'Nothing was downloaded. This copy of PrefLens ships a damaged manifest: reload the page, or report it.';
}
