// The one file every model folder has, whatever its kind, and the rules a manifest is read under.
export const MANIFEST_FILE = 'preflens.json';

export interface ManifestRules {
  /** A downloaded family: every file's length must be known (the store checks it before use). */
  remote?: boolean;
}
