// A ?checkpoint= link: a card for a checkpoint that someone else's manifest describes. Its card
// says where it comes from, and the manifest itself is fetched only over https (plain http only
// from this machine), the rule every file a manifest names already follows (file-entry.ts).
import { ManifestError } from '../engine/errors.ts';
import { fetchableUrl } from '../engine/model-files/file-entry.ts';
import { SHIPPED_CHECKPOINTS } from './known-families.ts';

/** Not one of the manifests this build ships: it came from a link. */
export const isLinkedCheckpoint = (url: string): boolean => !SHIPPED_CHECKPOINTS().includes(url);

/** Why a linked manifest is not fetched at all, or null when it may be. */
export function linkRefusal(url: string): Error | null {
  const u = new URL(url);
  if (fetchableUrl(u)) return null;
  return new ManifestError(`The link names a manifest at ${u.protocol}//${u.host}: PrefLens fetches a manifest only over https `
    + '(plain http only from this computer), so it was not fetched');
}
