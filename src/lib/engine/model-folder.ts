// A VP-Score model folder: preflens.json + model.onnx + tokenizer.json, read through a
// `readFile(name)` function so the same code loads the built-in model over HTTP, a folder the
// user picked in the browser, and a directory in Node.
import { ModelFileError } from './errors.ts';
import { MANIFEST_FILE, parseManifest, type VpScoreManifest } from './manifest.ts';

export type ReadFile = (name: string) => Promise<Uint8Array>;

export interface ModelFolder {
  manifest: VpScoreManifest;
  modelBytes: Uint8Array;
  tokenizerJson: unknown;
  /** Where it came from, for messages ("built-in vp-tiny", "folder my-export"). */
  origin: string;
}

const text = new TextDecoder();

export async function readModelFolder(readFile: ReadFile, origin: string): Promise<ModelFolder> {
  const manifest = parseManifest(text.decode(await readFile(MANIFEST_FILE)), `${origin}/${MANIFEST_FILE}`);
  const [modelBytes, tokBytes] = await Promise.all([readFile(manifest.files.model), readFile(manifest.files.tokenizer)]);
  await verifyFile(`${origin}/${manifest.files.model}`, modelBytes, {
    bytes: manifest.sizes?.modelBytes,
    sha256: manifest.sha256?.model,
  });
  let tokenizerJson: unknown;
  try {
    tokenizerJson = JSON.parse(text.decode(tokBytes));
  } catch (e) {
    throw new ModelFileError(`${origin}/${manifest.files.tokenizer} is not valid JSON: ${(e as Error).message}`);
  }
  return { manifest, modelBytes, tokenizerJson, origin };
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

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Reader for a folder served over HTTP (the built-in model). Refuses HTML fallbacks (BROWSER.md). */
export function httpReader(baseUrl: string, fetchImpl: typeof fetch = fetch): ReadFile {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (name) => {
    let res: Response;
    try {
      res = await fetchImpl(base + name);
    } catch (e) {
      throw new ModelFileError(`${base}${name} could not be fetched: ${(e as Error).message}`);
    }
    if (!res.ok) throw new ModelFileError(`${base}${name}: HTTP ${res.status} ${res.statusText}`);
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      throw new ModelFileError(`${base}${name}: the server sent an HTML page, not the model file (is the file missing?)`);
    }
    return new Uint8Array(await res.arrayBuffer());
  };
}

/** Reader for files the user picked (File objects, or anything with name + arrayBuffer). */
export function filesReader(files: readonly { name: string; arrayBuffer(): Promise<ArrayBuffer> }[], origin: string): ReadFile {
  return async (name) => {
    const f = files.find((x) => x.name === name);
    if (!f) {
      throw new ModelFileError(
        `the folder ${origin} has no ${name} (found: ${files.map((x) => x.name).join(', ') || 'nothing'})`,
      );
    }
    return new Uint8Array(await f.arrayBuffer());
  };
}
