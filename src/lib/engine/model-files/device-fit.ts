// What this device can run of a family, said once: the planner shows it on the Models card before a
// download, and the loader throws it when a folder cannot run here — the same words in both places.
import { withData, type FileEntry } from './file-entry.ts';

/**
 * 32-bit WASM has 4 GB and holds a one-file model twice while creating the session: a 1.79 GB graph
 * was measured out of memory that way, and from the store's layout (weights as a Blob) it loads
 * only with 1 thread — with 2, onnxruntime-web hangs (microsoft/onnxruntime#26858); a 450 MB one
 * loads either way (BENCHMARKS.md). So warn above 1.5 GB.
 */
export const WASM_GRAPH_LIMIT = 1.5e9;

/** The largest graph: its bytes with its external data, and whether its weights are in a data file. */
export interface BiggestGraph {
  bytes: number;
  split: boolean;
}

/** The largest graph; undefined when a local folder gives no sizes. */
export function biggestGraph(graphs: FileEntry[]): BiggestGraph | undefined {
  const sizes = graphs.map((g) => withData(g).map((f) => f.bytes));
  if (sizes.some((s) => s.some((b) => b === undefined))) return undefined;
  const totals = sizes.map((s) => s.reduce((n: number, b) => n + b!, 0));
  const i = totals.indexOf(Math.max(...totals));
  return { bytes: totals[i], split: !!graphs[i].data };
}

// Why such a graph fails on WASM: a one-file graph is held twice while loading; a split one loads
// only on one thread (BENCHMARKS.md: fp32 VP-Score from the store's layout, 1 vs 2 threads).
const wasmFailure = (g: BiggestGraph) =>
  `on WASM its largest graph (${(g.bytes / 1e9).toFixed(2)} GB) ` +
  (g.split ? 'stops loading with more than one thread (onnxruntime-web, microsoft/onnxruntime#26858)'
    : 'runs out of memory (4 GB, the model held twice while loading)');

/** Only f16 graphs, and a WebGPU adapter without shader-f16. */
export function noF16Statement(biggest: BiggestGraph | undefined): string {
  const tooBig = biggest !== undefined && biggest.bytes > WASM_GRAPH_LIMIT;
  const wasm =
    biggest === undefined ? `WASM runs them if the largest graph is under ${WASM_GRAPH_LIMIT / 1e9} GB (choose WASM as the backend)`
    : tooBig ? wasmFailure(biggest)
    : 'WASM runs them (choose WASM as the backend)';
  const needs = tooBig ? ' It needs a WebGPU adapter with shader-f16.' : '';
  return `This device cannot run it: its WebGPU adapter has no shader-f16, which the fp16 graphs need, and ${wasm}.${needs}`;
}

/** On WASM, a graph above the limit; undefined when it fits. */
export function wasmStatement(biggest: BiggestGraph | undefined, variant: string): string | undefined {
  if (biggest === undefined || biggest.bytes <= WASM_GRAPH_LIMIT) return undefined;
  return `This device cannot run it: ${wasmFailure(biggest)}. It needs WebGPU${variant.includes('16') ? ' with shader-f16' : ''}.`;
}
