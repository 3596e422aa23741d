// A variant's .onnx file written piece by piece from a StreamedTensors: exactly the bytes
// protobufjs would encode for the same model with every initializer's raw_data filled in, without
// ever holding them together. protobufjs writes a message's fields in field-number order, so the
// file is: the model's fields before `graph` (7), the graph's length-prefixed field, then the
// model's later fields; inside the graph, `node` and `name` (1, 2), each `initializer` (5), then
// the rest. Only a length prefix needs the sizes first, and every size is known before any byte
// of a big tensor is read (a lazy weight's from its shape, a spilled one's from the scratch).
import { onnx, type Model, type TensorProto } from './onnx-io.ts';
import type { StreamedTensors } from './streamed-tensors.ts';

/** protobuf wire tags: (field number << 3) | 2, length-delimited. */
const TAG = { modelGraph: (7 << 3) | 2, graphInitializer: (5 << 3) | 2, tensorRawData: (9 << 3) | 2 } as const;

export interface StreamedFile {
  bytes: number;
  chunks(): Iterable<Uint8Array>;
}

/** Base-128 varint (protobuf's length prefix); lengths here stay far below 2^53. */
function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

const lengthPrefix = (tag: number, length: number) => Uint8Array.from([tag, ...varint(length)]);

interface Piece {
  head: Uint8Array;
  /** External raw_data that follows `head` (tensor bytes from the store). */
  raw?: TensorProto;
  rawBytes: number;
}

function initializerPiece(t: TensorProto, store: StreamedTensors): Piece {
  if (!store.isExternal(t)) {
    const enc = onnx.TensorProto.encode(t).finish();
    return { head: concat(lengthPrefix(TAG.graphInitializer, enc.byteLength), enc), rawBytes: 0 };
  }
  const fields = onnx.TensorProto.encode({ dims: t.dims, dataType: t.dataType, name: t.name }).finish();
  const rawBytes = store.rawLength(t);
  const rawPrefix = lengthPrefix(TAG.tensorRawData, rawBytes);
  const tensorBytes = fields.byteLength + rawPrefix.byteLength + rawBytes;
  return { head: concat(lengthPrefix(TAG.graphInitializer, tensorBytes), fields, rawPrefix), raw: t, rawBytes };
}

export function streamedModel(model: Model, store: StreamedTensors): StreamedFile {
  const g = model.graph!;
  const { node, name, initializer, ...graphRest } = g;
  const { graph: _graph, opsetImport, metadataProps, trainingInfo, functions, ...modelHeadFields } = model;
  const modelHead = onnx.ModelProto.encode(modelHeadFields).finish();
  const modelTail = onnx.ModelProto.encode({ opsetImport, metadataProps, trainingInfo, functions }).finish();
  const graphHead = onnx.GraphProto.encode({ node, name }).finish();
  const graphTail = onnx.GraphProto.encode(graphRest).finish();
  const pieces = (initializer ?? []).map((t) => initializerPiece(t, store));
  const graphBytes = graphHead.byteLength + graphTail.byteLength + pieces.reduce((n, p) => n + p.head.byteLength + p.rawBytes, 0);
  const graphPrefix = lengthPrefix(TAG.modelGraph, graphBytes);
  return {
    bytes: modelHead.byteLength + graphPrefix.byteLength + graphBytes + modelTail.byteLength,
    *chunks() {
      yield concat(modelHead, graphPrefix, graphHead);
      for (const p of pieces) {
        yield p.head;
        if (p.raw) yield* store.rawChunks(p.raw);
      }
      yield concat(graphTail, modelTail);
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
