// The model store as the worker uses it: files in OPFS, records in IndexedDB, quota and
// persistence from navigator.storage. Null where there is no OPFS (Node, old browsers).
import { ModelStore } from './model-store.ts';
import { hasOpfs, OpfsStorage } from './opfs-storage.ts';
import { IdbRecords } from './records.ts';

export function openBrowserStore(): ModelStore | null {
  if (!hasOpfs() || typeof indexedDB === 'undefined') return null;
  return new ModelStore({ storage: new OpfsStorage(), records: new IdbRecords(), storageManager: navigator.storage });
}
