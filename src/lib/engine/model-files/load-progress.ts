// What a model load is doing, for the page to show instead of a bare "Loading…": reading each file
// of the folder (or the store), then preparing it — onnxruntime building its session for a graph,
// the tokenizer being parsed — until the next file is read or the model is ready.
import type { ReadFile } from './read-file.ts';

export interface LoadProgress {
  /** 'retry': the load went quiet past its bound and starts again in a fresh worker (worker/load-guard.ts). */
  step: 'read' | 'prepare' | 'retry';
  file: string;
  /** The file's size, once read. */
  bytes?: number;
}

/** The same reader, reporting each file as its read starts and once it is in memory. */
export function reportingReader(read: ReadFile, onProgress: (p: LoadProgress) => void): ReadFile {
  const reporting: ReadFile = async (name) => {
    onProgress({ step: 'read', file: name });
    const bytes = await read(name);
    onProgress({ step: 'prepare', file: name, bytes: bytes.byteLength });
    return bytes;
  };
  reporting.verifies = read.verifies;
  const blob = read.blob;
  if (blob) {
    reporting.blob = async (name) => {
      onProgress({ step: 'read', file: name });
      const b = await blob(name);
      onProgress({ step: 'prepare', file: name, bytes: b.size });
      return b;
    };
  }
  return reporting;
}
