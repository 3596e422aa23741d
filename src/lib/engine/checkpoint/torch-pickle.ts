// The `data.pkl` of a `torch.save` checkpoint, unpickled without running anything: pickleparser
// reads the opcodes, and every global the pickle names must be one of the few a state dict of
// tensors uses (those torch.save writes); any other — a custom class, a function, code — is
// refused before anything is built. Tensors come back as descriptions of a storage slice.
import { Parser } from 'pickleparser';
import { CheckpointError } from '../errors.ts';
import type { CheckpointDtype } from './tensor-ref.ts';

/** What `_rebuild_tensor_v2(storage, offset, size, stride, …)` describes, without the bytes. */
export interface PickledTensor {
  storage: { key: string; dtype: CheckpointDtype; numel: number };
  /** In elements, like the stride. */
  offset: number;
  shape: number[];
  stride: number[];
}

const STORAGES: Readonly<Record<string, CheckpointDtype>> = {
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', LongStorage: 'int64',
};

const TENSOR = Symbol('tensor');
const STORAGE_DTYPE = Symbol('storage dtype');
type Tagged = PickledTensor & { [TENSOR]: true };

const isTensor = (v: unknown): v is Tagged => typeof v === 'object' && v !== null && TENSOR in v;

function resolveGlobal(module: string, name: string, source: string): (...args: unknown[]) => unknown {
  const full = `${module}.${name}`;
  if (full === 'collections.OrderedDict') return () => new Map();
  if (full === 'torch._utils._rebuild_tensor_v2') {
    return (storage, offset, size, stride) => {
      const ints = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isInteger(x));
      if (!isStorage(storage) || !Number.isInteger(offset) || !ints(size) || !ints(stride)) {
        throw new CheckpointError(`${source}: a tensor in data.pkl is not (storage, offset, size, stride)`);
      }
      return { [TENSOR]: true, storage, offset: offset as number, shape: [...(size as number[])], stride: [...(stride as number[])] } satisfies Tagged;
    };
  }
  // A storage class only ever appears inside a persistent id, as the storage's dtype.
  if (module === 'torch' && Object.hasOwn(STORAGES, name)) return Object.assign(() => undefined, { [STORAGE_DTYPE]: STORAGES[name] });
  throw new CheckpointError(
    `${source} is not a plain state dict of tensors: its pickle names ${full}, which PrefLens does not load (it never runs a pickle's code)`,
  );
}

const isStorage = (v: unknown): v is PickledTensor['storage'] =>
  typeof v === 'object' && v !== null && 'key' in v && 'dtype' in v && 'numel' in v;

/** name → tensor description, from the bytes of data.pkl. */
export function unpickleStateDict(pickle: Uint8Array, source: string): Map<string, PickledTensor> {
  const parser = new Parser({
    unpicklingTypeOfDictionary: 'Map',
    nameResolver: { resolve: (module, name) => resolveGlobal(module, name, source) },
    persistentResolver: {
      // ('storage', <StorageClass>, '<key>', 'cpu', <numel>)
      resolve: (pid) => {
        const [tag, cls, key, , numel] = pid as unknown as unknown[];
        const dtype = typeof cls === 'function' ? (cls as { [STORAGE_DTYPE]?: CheckpointDtype })[STORAGE_DTYPE] : undefined;
        if (tag !== 'storage' || !dtype || typeof key !== 'string' || !Number.isInteger(numel)) {
          throw new CheckpointError(`${source}: a persistent id in data.pkl is not a tensor storage`);
        }
        return { key, dtype, numel };
      },
    },
  });
  let root: unknown;
  try {
    root = parser.parse(pickle);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`${source}: data.pkl could not be read (${(e as Error).message})`);
  }
  if (!(root instanceof Map)) throw new CheckpointError(`${source} holds a pickled ${typeof root}, not a state dict`);
  const out = new Map<string, PickledTensor>();
  for (const [name, value] of root) {
    if (typeof name !== 'string' || !isTensor(value)) {
      throw new CheckpointError(`${source}: the state dict entry ${String(name)} is not a tensor`);
    }
    const { storage, offset, shape, stride } = value;
    out.set(name, { storage, offset, shape, stride });
  }
  return out;
}
