// A variant's files written piece by piece from a StreamedTensors, in the model store's layout: a
// small graph and one external-data file (convert/external-data.ts), without ever holding the
// weights together. Every size is known before any byte of a big tensor is read (a lazy weight's
// from its shape, a spilled one's from the scratch), so each file announces its length first.
import { externalize, placeExternal } from './external-data.ts';
import { encodeModel, type Model, type TensorProto } from '../runtime/onnx-io.ts';
import type { StreamedTensors } from './streamed-tensors.ts';

export interface StreamedFile {
  bytes: number;
  chunks(): Iterable<Uint8Array>;
}

export interface StreamedSplit {
  graph: StreamedFile;
  data: StreamedFile;
}

/**
 * The model as a graph plus `dataName`, byte for byte what `splitExternalData` makes of the
 * self-contained file (same placement rule), with the big weights streamed into the data file
 * from the checkpoint or the scratch; the graph keeps only small tensors.
 */
export function streamedSplitModel(model: Model, store: StreamedTensors, dataName: string): StreamedSplit {
  const inits = model.graph?.initializer ?? [];
  const { placed, size } = placeExternal(inits, (t) => (store.isExternal(t) ? store.rawLength(t) : t.rawData?.byteLength ?? 0));
  const moved = new Map(placed.map((p) => [p.t, p]));
  const graphInits = inits.map((t) => {
    const p = moved.get(t);
    if (p) {
      const { rawData: _raw, ...fields } = t;
      const ref: TensorProto = { ...fields };
      externalize(ref, dataName, p.offset, p.length);
      return ref;
    }
    // A lazy weight under the threshold (a bias, the head's last layer) stays in the graph.
    return store.isExternal(t) ? { ...t, rawData: concat(...store.rawChunks(t)) } : t;
  });
  const graph = encodeModel({ ...model, graph: { ...model.graph, initializer: graphInits } });
  return {
    graph: { bytes: graph.byteLength, chunks: () => [graph] },
    data: {
      bytes: size,
      *chunks() {
        let at = 0;
        for (const { t, offset, length } of placed) {
          if (offset > at) yield new Uint8Array(offset - at);
          if (store.isExternal(t)) yield* store.rawChunks(t);
          else yield t.rawData!;
          at = offset + length;
        }
      },
    },
  };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
