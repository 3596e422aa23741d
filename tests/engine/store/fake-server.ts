// A fetch() over in-memory files that behaves like a model host: honours Range with 206, and can
// misbehave on purpose (drop the connection after some bytes, ignore Range, fail with 5xx).
export interface FakeFile {
  bytes: Uint8Array;
  /** Close the connection after this many bytes of the response body, for the first `drops` requests. */
  dropAfter?: number;
  drops?: number;
  ignoreRange?: boolean;
}

export interface FakeServer {
  fetch: typeof fetch;
  /** Each request's URL and Range header, in order. */
  log: { url: string; range: string | null }[];
}

export function fakeServer(files: Record<string, FakeFile>, chunk = 1000): FakeServer {
  const log: FakeServer['log'] = [];
  const fetchImpl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const range = new Headers(init?.headers).get('range');
    log.push({ url, range });
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const f = files[url];
    if (!f) return new Response('not found', { status: 404, statusText: 'Not Found' });
    const start = range && !f.ignoreRange ? Number(/bytes=(\d+)-/.exec(range)![1]) : 0;
    // Like a real host (and model-server.ts): a range past the end is refused.
    if (start > 0 && start >= f.bytes.byteLength) return new Response(null, { status: 416, headers: { 'content-range': `bytes */${f.bytes.byteLength}` } });
    const body = f.bytes.subarray(start);
    const drop = f.drops && f.drops > 0 ? f.dropAfter : undefined;
    if (drop !== undefined) f.drops!--;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (init?.signal?.aborted) return c.error(new DOMException('aborted', 'AbortError'));
        if (drop !== undefined && sent >= drop) return c.error(new TypeError('network error: connection reset'));
        if (sent >= body.byteLength) return c.close();
        const end = Math.min(body.byteLength, sent + chunk, drop ?? Infinity);
        c.enqueue(body.slice(sent, end));
        sent = end;
      },
    });
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(body.byteLength) };
    if (start) headers['content-range'] = `bytes ${start}-${f.bytes.byteLength - 1}/${f.bytes.byteLength}`;
    return new Response(stream, { status: start ? 206 : 200, headers });
  };
  return { fetch: fetchImpl as typeof fetch, log };
}

/** Deterministic bytes (a file's content). */
export function bytesOf(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
