// Reading the files a manifest names, from wherever they are: one ReadFile function per source
// (HTTP, files the user picked, the model store, a directory in Node), and the checks every file
// gets against its manifest entry (length, then sha256).
import { ModelFileError } from '../errors.ts';
import { sha256Hex } from '../store/sha256.ts';
import type { FileEntry } from './file-entry.ts';

/**
 * Reads one file named in a manifest. A reader with `verifies` (the model store) has already
 * checked length and sha256, so the folder code does not hash a second time.
 */
export type ReadFile = ((name: string) => Promise<Uint8Array>) & { verifies?: boolean };

/** An external-data file as onnxruntime wants it: the name the graph refers to, and its bytes. */
export interface ExternalData {
  path: string;
  data: Uint8Array;
}

const text = new TextDecoder();

/** A graph file and its external data, each verified against its entry. */
export async function readGraph(read: ReadFile, origin: string, entry: FileEntry): Promise<{ bytes: Uint8Array; externalData?: ExternalData[] }> {
  const bytes = await readEntry(read, origin, entry);
  if (!entry.data) return { bytes };
  const data = await readEntry(read, origin, entry.data);
  return { bytes, externalData: [{ path: entry.data.file.split('/').pop()!, data }] };
}

export async function readEntry(read: ReadFile, origin: string, entry: FileEntry): Promise<Uint8Array> {
  const bytes = await read(entry.file);
  if (!read.verifies) await verifyFile(`${origin}/${entry.file}`, bytes, entry);
  return bytes;
}

export async function readJson(read: ReadFile, origin: string, entry: FileEntry): Promise<unknown> {
  const bytes = await readEntry(read, origin, entry);
  try {
    return JSON.parse(text.decode(bytes));
  } catch (e) {
    throw new ModelFileError(`${origin}/${entry.file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** A file against what its manifest promises: the length first (cheap), then the hash. */
export async function verifyFile(
  path: string,
  bytes: Uint8Array,
  expected: { bytes?: number; sha256?: string },
): Promise<void> {
  if (typeof expected.bytes === 'number' && expected.bytes !== bytes.byteLength) {
    throw new ModelFileError(
      `${path} is ${bytes.byteLength} bytes but preflens.json says ${expected.bytes}: truncated or replaced`,
    );
  }
  if (expected.sha256) {
    const found = await sha256Hex(bytes);
    if (found !== expected.sha256.toLowerCase()) {
      throw new ModelFileError(
        `${path} has sha256 ${found.slice(0, 12)}…, preflens.json expects ${expected.sha256.slice(0, 12)}…: corrupt or a different model`,
      );
    }
  }
}

/** Reader for a folder served over HTTP (the built-in model). Refuses HTML fallbacks (BROWSER.md). */
export function httpReader(baseUrl: string, fetchImpl: typeof fetch = fetch): ReadFile {
  const base = baseUrl.endsWith('/') || baseUrl.endsWith('.json') ? baseUrl : `${baseUrl}/`;
  return async (name) => {
    // Relative to the folder, or an absolute URL (a tokenizer hosted elsewhere).
    const url = new URL(name, base).href;
    let res: Response;
    try {
      res = await fetchImpl(url);
    } catch (e) {
      throw new ModelFileError(`${url} could not be fetched: ${(e as Error).message}`);
    }
    if (!res.ok) throw new ModelFileError(`${url}: HTTP ${res.status} ${res.statusText}`);
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      throw new ModelFileError(`${url}: the server sent an HTML page, not the model file (is the file missing?)`);
    }
    return new Uint8Array(await res.arrayBuffer());
  };
}

/**
 * Reader for files the user picked (File objects, or anything with name + arrayBuffer). `path`, when
 * given, is the file's path inside the picked folder ("unet/model.onnx"); else the name is used.
 */
export function filesReader(
  files: readonly { name: string; path?: string; arrayBuffer(): Promise<ArrayBuffer> }[],
  origin: string,
): ReadFile {
  return async (name) => {
    const f = files.find((x) => (x.path ?? x.name) === name);
    if (!f) {
      throw new ModelFileError(
        `the folder ${origin} has no ${name} (found: ${files.map((x) => x.path ?? x.name).join(', ') || 'nothing'})`,
      );
    }
    return new Uint8Array(await f.arrayBuffer());
  };
}
