// Errors across the worker boundary. comlink's own "throw" handler sends only {name, message,
// stack}: a DeviceLostError's unfinished work, or any error's data, would be lost and its class
// with it. This handler keeps comlink's wire format and adds the error's own data fields (plain,
// cloneable data on the engine's errors); the receiving side rebuilds the engine's class. Both
// the worker and the client install it.
import * as Comlink from 'comlink';
import { PrefLensError, rebuildError } from '../engine/errors.ts';

type Thrown = { value: unknown };
type Serialized = { isError: boolean; value: unknown };

let installed = false;

export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const builtin = Comlink.transferHandlers.get('throw') as Comlink.TransferHandler<Thrown, Serialized>;
  Comlink.transferHandlers.set('throw', {
    canHandle: builtin.canHandle,
    serialize(thrown: Thrown): [Serialized, Transferable[]] {
      const e = thrown.value;
      if (!(e instanceof Error)) return builtin.serialize(thrown);
      // Own enumerable fields of the engine's errors only: anything else may hold what cannot be cloned.
      const data = e instanceof PrefLensError ? { ...e } : {};
      return [{ isError: true, value: { ...data, name: e.name, message: e.message, stack: e.stack } }, []];
    },
    deserialize(s: Serialized): never {
      if (s.isError) throw rebuildError(s.value);
      throw s.value;
    },
  } satisfies Comlink.TransferHandler<Thrown, Serialized>);
}
