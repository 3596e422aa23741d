// Check a loaded graph against the tensor contract before the first run, so a wrong export fails
// at load with the input, the expected and the found dtype/shape named, not with an opaque ORT
// error (or silent garbage) in the middle of a batch.
import { ContractError } from '../errors.ts';

export type Dtype = 'float32' | 'float16' | 'int64' | 'int32' | 'uint8' | 'bool' | string;

/** A dimension: a fixed size, or a symbolic name (any size; 'batch' is the dynamic batch). */
export type Dim = number | string;

export interface TensorSpec {
  /** The name the engine uses (the role); the graph's own name unless `anyName`. */
  name: string;
  /**
   * The graph's only input (or output) plays this role whatever it is called: exports name the
   * decoder's and UNet's tensors differently (SD-Turbo's `latent_sample`/`out_sample`, SDXS's
   * `latents`/`noise_pred`). The report says which name the graph uses.
   */
  anyName?: boolean;
  /** One dtype, or the ones accepted (diffusion graphs come in float32 and float16). */
  dtype: Dtype | readonly Dtype[];
  shape: readonly Dim[];
  /** Another shape accepted (a timestep as [batch] or as a scalar). */
  orShape?: readonly Dim[];
}

export interface Contract {
  label: string;
  inputs: readonly TensorSpec[];
  outputs: readonly TensorSpec[];
}

/** What ort's InferenceSession exposes about its graph (structural, so tests need no ort). */
export interface GraphMetadata {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly ValueMeta[];
  outputMetadata?: readonly ValueMeta[];
}
type ValueMeta = { name: string; isTensor: boolean; type?: string; shape?: readonly (number | string)[] };

export const VP_SCORE_CONTRACT: Contract = {
  label: 'VP-Score',
  inputs: [
    { name: 'pixel_values', dtype: 'float32', shape: ['batch', 3, 224, 224] },
    { name: 'input_ids', dtype: 'int64', shape: ['batch', 35] },
    { name: 'attention_mask', dtype: 'int64', shape: ['batch', 35] },
  ],
  outputs: [{ name: 'reward', dtype: 'float32', shape: ['batch', 1] }],
};

// SD-Turbo's three graphs as the public onnxruntime-web export has them. Float tensors may be
// float32 or float16 (the engine reads which and converts); named dims are free sizes.
const FLOAT = ['float32', 'float16'] as const;

export const TEXT_ENCODER_CONTRACT: Contract = {
  label: 'SD-Turbo text encoder',
  inputs: [{ name: 'input_ids', anyName: true, dtype: ['int32', 'int64'], shape: [1, 'sequence'] }],
  outputs: [{ name: 'last_hidden_state', dtype: FLOAT, shape: [1, 'sequence', 'hidden'] }],
};

export const UNET_CONTRACT: Contract = {
  label: 'SD-Turbo UNet',
  inputs: [
    { name: 'sample', dtype: FLOAT, shape: ['batch', 4, 'height', 'width'] },
    { name: 'timestep', dtype: 'int64', shape: ['batch'], orShape: [] },
    { name: 'encoder_hidden_states', dtype: FLOAT, shape: ['batch', 'sequence', 'hidden'] },
  ],
  outputs: [{ name: 'out_sample', anyName: true, dtype: FLOAT, shape: ['batch', 4, 'height', 'width'] }],
};

export const VAE_DECODER_CONTRACT: Contract = {
  label: 'SD-Turbo VAE decoder',
  inputs: [{ name: 'latent_sample', anyName: true, dtype: FLOAT, shape: ['batch', 4, 'height', 'width'] }],
  outputs: [{ name: 'sample', anyName: true, dtype: FLOAT, shape: ['batch', 3, 'image_height', 'image_width'] }],
};

export interface ContractReport {
  /** Largest batch the graph takes: Infinity when the batch dim is dynamic, else its fixed size. */
  maxBatch: number;
  /** The dtype each checked input/output has in this graph (the engine converts to it), by role. */
  dtypes: Record<string, string>;
  /** Role → the graph's name for it. */
  names: Record<string, string>;
  /** Role → the rank the graph declares (0 for a scalar timestep), where the runtime says. */
  ranks: Record<string, number>;
}

const fmt = (dtype: string | readonly string[] | undefined, shape: readonly Dim[] | undefined) =>
  `${typeof dtype === 'object' ? dtype.join(' or ') : (dtype ?? '?')} [${(shape ?? []).join(',')}]`;

export function checkContract(graph: GraphMetadata, contract: Contract, file: string): ContractReport {
  const where = `${file} does not have the ${contract.label} contract`;
  let maxBatch = Infinity;
  const dtypes: Record<string, string> = {};
  const names: Record<string, string> = {};
  const ranks: Record<string, number> = {};
  const sides = [
    ['input', contract.inputs, graph.inputNames, graph.inputMetadata],
    ['output', contract.outputs, graph.outputNames, graph.outputMetadata],
  ] as const;
  for (const [kind, specs, graphNames, meta] of sides) {
    for (const spec of specs) {
      const name = spec.anyName && graphNames.length === 1 ? graphNames[0] : spec.name;
      if (!graphNames.includes(name)) {
        throw new ContractError(
          `${where}: ${kind} "${spec.name}" is missing (expected ${fmt(spec.dtype, spec.shape)}); ` +
            `the graph's ${kind}s are: ${graphNames.join(', ') || 'none'}`,
        );
      }
      names[spec.name] = name;
      const found = meta?.find((m) => m.name === name);
      const accepted: readonly string[] = typeof spec.dtype === 'string' ? [spec.dtype] : spec.dtype;
      dtypes[spec.name] = found?.type ?? accepted[0];
      if (!found) continue; // older runtimes expose names only
      const expected = fmt(spec.dtype, spec.shape);
      const mismatch = (what: string) =>
        new ContractError(
          `${where}: ${kind} "${name}" ${what}: expected ${expected}, found ${fmt(found.type, found.shape)}`,
        );
      if (!found.isTensor || !accepted.includes(found.type ?? '')) throw mismatch('has the wrong dtype');
      const shape = found.shape ?? [];
      if (shape.length === 0 && spec.orShape?.length === 0) {
        ranks[spec.name] = 0;
        continue;
      }
      if (shape.length === 0) continue; // shape unknown to the runtime: nothing more to check
      if (shape.length !== spec.shape.length) throw mismatch('has the wrong rank');
      ranks[spec.name] = shape.length;
      spec.shape.forEach((want, i) => {
        const got = shape[i];
        if (typeof want === 'number' && typeof got === 'number' && got !== want) throw mismatch(`has size ${got} in dim ${i}`);
        if (want === 'batch' && typeof got === 'number') maxBatch = Math.min(maxBatch, got);
      });
    }
  }
  for (const n of graph.inputNames) {
    if (!Object.values(names).includes(n)) {
      throw new ContractError(
        `${where}: it needs an extra input "${n}"; ${contract.label} feeds only ` +
          contract.inputs.map((s) => s.name).join(', '),
      );
    }
  }
  return { maxBatch, dtypes, names, ranks };
}
