// Reading the files a manifest names, from wherever they are: one ReadFile function per source
// (HTTP, files the user picked, the model store, a directory in Node), and the checks every file
// gets against its manifest entry (length, then sha256).
import { ModelFileError } from '../errors.ts';
import { blobChunks, sha256Hex, sha256OfChunks } from '../store/sha256.ts';
import type { FileEntry } from './file-entry.ts';
import type { ExternalData } from '../runtime/ort-session.ts';

export type { ExternalData };

/**
 * Reads one file named in a manifest. A reader with `verifies` (the model store) has already
 * checked length and sha256, so the folder code does not hash a second time. One with `blob` can
 * hand a file over without reading it (an OPFS or picked File): external data goes to onnxruntime
 * that way, read by it per initializer instead of copied whole into JS first.
 */
export type ReadFile = ((name: string) => Promise<Uint8Array>) & { verifies?: boolean; blob?: (name: string) => Promise<Blob> };


const text = new TextDecoder();

/** A graph file and its external data, each verified against its entry. */
export async function readGraph(read: ReadFile, origin: string, entry: FileEntry): Promise<{ bytes: Uint8Array; externalData?: ExternalData[] }> {
  const bytes = await readEntry(read, origin, entry);
  if (!entry.data) return { bytes };
  const data = read.blob ? await blobEntry(read, origin, entry.data) : await readEntry(read, origin, entry.data);
  return { bytes, externalData: [{ path: entry.data.file.split('/').pop()!, data }] };
}

/** A file as a Blob, verified by streaming it through the hash (never whole in memory). */
async function blobEntry(read: ReadFile, origin: string, entry: FileEntry): Promise<Blob> {
  const blob = await read.blob!(entry.file);
  if (read.verifies) return blob;
  const path = `${origin}/${entry.file}`;
  if (typeof entry.bytes === 'number' && entry.bytes !== blob.size) {
    throw new ModelFileError(`${path} is ${blob.size} bytes but preflens.json says ${entry.bytes}: truncated or replaced`);
  }
  if (entry.sha256) checkSha256(path, await sha256OfChunks(blobChunks(blob)), entry.sha256);
  return blob;
}

function checkSha256(path: string, found: string, expected: string): void {
  if (found !== expected.toLowerCase()) {
    throw new ModelFileError(
      `${path} has sha256 ${found.slice(0, 12)}…, preflens.json expects ${expected.slice(0, 12)}…: corrupt or a different model`,
    );
  }
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
  if (expected.sha256) checkSha256(path, await sha256Hex(bytes), expected.sha256);
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
  const find = (name: string) => {
    const f = files.find((x) => (x.path ?? x.name) === name);
    if (!f) {
      throw new ModelFileError(
        `the folder ${origin} has no ${name} (found: ${files.map((x) => x.path ?? x.name).join(', ') || 'nothing'})`,
      );
    }
    return f;
  };
  const read: ReadFile = async (name) => new Uint8Array(await find(name).arrayBuffer());
  // Picked files are Blobs in the browser; stand-ins (tests) are read.
  if (files.length && files.every((f) => typeof Blob !== 'undefined' && f instanceof Blob)) {
    read.blob = async (name) => find(name) as unknown as Blob;
  }
  return read;
}
