// One file a manifest names: where it is (a path relative to the manifest, or an absolute URL for
// files hosted elsewhere, like a tokenizer from another repository), how long it is and its
// sha256. A graph whose weights live in an external-data file lists that file as `data`.

export interface FileEntry {
  file: string;
  /** Byte length: checked when read; required for anything the app downloads (progress, quota). */
  bytes?: number;
  sha256?: string;
  /** External weights (`model.onnx_data`), passed to onnxruntime under this file name. */
  data?: FileEntry;
}

export type Fail = (what: string) => never;

/** An absolute URL (a scheme first), not a path inside the family. */
export const isUrl = (file: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(file);

/** https, or plain http for this machine only (a local test or a server on localhost). */
export function fetchableUrl(url: URL): boolean {
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || (url.protocol === 'http:' && local);
}

/**
 * A relative path inside the family (no "..", no leading "/") or an absolute https URL; plain http
 * only for this machine (a local test or a server on localhost), never for a remote host.
 */
export function checkFilePath(file: unknown, where: string, fail: Fail): string {
  if (typeof file !== 'string' || !file.trim()) return fail(`"${where}" must be a file name or URL`);
  if (isUrl(file)) {
    let url: URL;
    try {
      url = new URL(file);
    } catch {
      return fail(`"${where}" is not a valid URL: ${file}`);
    }
    if (!fetchableUrl(url)) {
      return fail(`"${where}" must be an https URL (found ${url.protocol}//${url.host})`);
    }
    return file;
  }
  if (file.startsWith('/') || file.includes('\\') || file.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    return fail(`"${where}" must be a path inside the model folder, found ${JSON.stringify(file)}`);
  }
  return file;
}

/** `base`: an absolute URL that ends in "/" (files are resolved against it). */
export function checkBase(base: unknown, fail: Fail): void {
  if (typeof base !== 'string' || !isUrl(base)) fail('"base" must be an absolute URL');
  checkFilePath(base, 'base', fail);
  if (!(base as string).endsWith('/')) fail('"base" must end with "/"');
}

/** Where a family's relative paths point: its `base`, else the manifest's own URL. */
export function familyBase(m: { base?: string }, manifestUrl: string): string {
  return m.base ? new URL(m.base, manifestUrl).href : manifestUrl;
}

export function checkFileEntry(f: unknown, where: string, fail: Fail, requireBytes = false): FileEntry {
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return fail(`"${where}" is missing`);
  const g = f as Record<string, unknown>;
  for (const k of Object.keys(g)) if (!['file', 'bytes', 'sha256', 'data'].includes(k)) fail(`unknown field "${where}.${k}"`);
  checkFilePath(g.file, `${where}.file`, fail);
  if ('bytes' in g) checkBytes(g.bytes, `${where}.bytes`, fail);
  else if (requireBytes) fail(`"${where}.bytes" is missing: the size of every file to download must be known`);
  if ('sha256' in g) checkSha(g.sha256, `${where}.sha256`, fail);
  if ('data' in g) checkFileEntry(g.data, `${where}.data`, fail, requireBytes);
  return g as unknown as FileEntry;
}

export function checkBytes(n: unknown, where: string, fail: Fail): void {
  if (!(Number.isInteger(n) && (n as number) > 0)) fail(`"${where}" must be a positive integer`);
}

export function checkSha(s: unknown, where: string, fail: Fail): void {
  if (!/^[0-9a-f]{64}$/i.test(String(s))) fail(`"${where}" must be 64 hex digits`);
}

/** The entry and its external-data file, in download order. */
export function withData(f: FileEntry): FileEntry[] {
  return f.data ? [f, ...withData(f.data)] : [f];
}
