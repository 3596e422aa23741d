// One file from a URL into storage, resuming where the stored bytes end: a connection that drops
// mid-file is retried with `Range: bytes=<have>-`, a server that ignores Range (200 instead of
// 206) is restarted from zero, and a cancel keeps the bytes so the next Download continues.
import { CancelledError, DownloadError, ModelFileError } from '../errors.ts';
import { isQuotaError, type FileStorage } from './file-storage.ts';

export interface FetchTarget {
  url: string;
  /** Shown in messages (the manifest's file name). */
  name: string;
  bytes: number;
}

export interface FetchOptions {
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Called with each chunk's length as it is stored (negative when a restart drops bytes). */
  onBytes?: (delta: number) => void;
  /** Called when stored bytes are dropped to start the file over, with the reason in words. */
  onRestart?: (why: string) => void;
  /** Attempts in a row without any new byte before giving up. */
  retries?: number;
  /** First retry delay; doubles each time. */
  backoffMs?: number;
}

export async function fetchResumable(t: FetchTarget, storage: FileStorage, key: string, o: FetchOptions = {}): Promise<void> {
  const fetchImpl = o.fetch ?? fetch;
  const retries = o.retries ?? 5;
  let have = await storage.size(key);
  if (have > t.bytes) {
    o.onBytes?.(-have);
    have = 0;
  }
  let failures = 0;
  let lastError = '';
  while (have < t.bytes) {
    throwIfCancelled(o.signal);
    if (failures > retries) {
      throw new DownloadError(`${t.name}: download stopped at ${have} of ${t.bytes} bytes after ${retries + 1} attempts (${lastError}); Download again to resume`);
    }
    if (failures) await sleep((o.backoffMs ?? 500) * 2 ** (failures - 1), o.signal);
    let res: Response;
    try {
      res = await fetchImpl(t.url, { headers: have ? { Range: `bytes=${have}-` } : {}, signal: o.signal, cache: 'no-store' });
    } catch (e) {
      throwIfCancelled(o.signal);
      failures++;
      lastError = (e as Error).message;
      continue;
    }
    if (res.status >= 500 || res.status === 429) {
      failures++;
      lastError = `HTTP ${res.status}`;
      continue;
    }
    if (res.status === 416) {
      throw new ModelFileError(`${t.name}: the server has only ${have} bytes, the manifest says ${t.bytes} — truncated on the server, or a wrong manifest`);
    }
    if (!res.ok) throw new DownloadError(`${t.name}: ${t.url} answered HTTP ${res.status} ${res.statusText}`.trim());
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      throw new ModelFileError(`${t.name}: ${t.url} sent an HTML page, not the model file (wrong URL?)`);
    }
    const start = res.status === 206 ? rangeStart(res.headers.get('content-range')) : 0;
    if (start !== have) {
      // The server ignored the Range or answered another one: start the file over (writing from 0
      // truncates what was stored), never appending the whole file to the part already there.
      o.onBytes?.(-have);
      o.onRestart?.(`The server did not resume ${t.name} (it answered ${res.status === 206 ? 'another range' : 'with the whole file'}): downloading it from the start`);
      have = 0;
      if (start !== 0) {
        await res.body?.cancel();
        continue;
      }
    }
    const before = have;
    try {
      have = await pump(res, storage, key, have, t, o);
    } catch (e) {
      if (o.signal?.aborted) throw new CancelledError(`Download of ${t.name} cancelled; ${have} bytes kept to resume`);
      if (isQuotaError(e) || e instanceof ModelFileError) throw e;
      lastError = (e as Error).message;
      have = await storage.size(key);
    }
    failures = have > before ? 0 : failures + 1;
    if (have < t.bytes && !lastError) lastError = 'connection closed early';
  }
}

async function pump(res: Response, storage: FileStorage, key: string, have: number, t: FetchTarget, o: FetchOptions): Promise<number> {
  if (!res.body) throw new DownloadError(`${t.name}: empty response`);
  const writer = await storage.openWriter(key, have);
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return have;
      if (o.signal?.aborted) throw new CancelledError('Download cancelled');
      if (have + value.byteLength > t.bytes) {
        throw new ModelFileError(`${t.name}: the server sent more than the ${t.bytes} bytes the manifest says — a different file?`);
      }
      await writer.write(value);
      have += value.byteLength;
      o.onBytes?.(value.byteLength);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    await writer.close();
  }
}

function rangeStart(header: string | null): number {
  const m = /^bytes (\d+)-/.exec(header ?? '');
  return m ? Number(m[1]) : -1;
}

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new CancelledError('Download cancelled; the bytes already stored are kept to resume');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
