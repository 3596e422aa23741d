// Where imported families live: a URL under an origin of their own, never fetched (their files
// exist only in this browser's store). A tiny module of its own so the page can tell them apart
// without loading the importer.
import { MANIFEST_FILE } from '../model-files/manifest-file.ts';

export const IMPORT_ORIGIN = 'preflens-import://local/';
export const importedFamilyUrl = (id: string) => `${IMPORT_ORIGIN}${id}/${MANIFEST_FILE}`;
export const isImportedFamily = (url: string) => url.startsWith(IMPORT_ORIGIN);
/** What an imported family was made from (import-source.ts): a document next to its manifest. */
export const importSourceUrl = (familyUrl: string) => new URL('source.json', familyUrl).href;
