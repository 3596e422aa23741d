// A plain static host for the e2e tests, like GitHub Pages: serves a folder under a sub-path
// (e.g. /preflens/) with correct MIME types and none of the COOP/COEP headers that `vite preview`
// sends, so the page is not cross-origin isolated unless the app's service worker makes it so.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServerOptions {
  /** URL path the folder is served under; starts and ends with "/". Default "/". */
  prefix?: string;
  /** Headers added to every response (e.g. CORS for a cross-origin "model host"). */
  headers?: Record<string, string>;
  /** Awaited before a request is answered (path relative to the prefix): lets a test hold a file back. */
  hold?: (path: string) => Promise<void> | void;
}

export interface StaticServer {
  /** Origin + prefix, e.g. http://127.0.0.1:41234/preflens/ */
  url: string;
  origin: string;
  /** URL paths requested so far, in order (also those outside the prefix). */
  requested: string[];
  close(): Promise<void>;
}

export async function serveStatic(folder: string, opts: StaticServerOptions = {}): Promise<StaticServer> {
  const root = resolve(folder);
  const prefix = opts.prefix ?? '/';
  const requested: string[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    requested.push(pathname);
    for (const [k, v] of Object.entries(opts.headers ?? {})) res.setHeader(k, v);
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end();
    if (`${pathname}/` === prefix) return void res.writeHead(301, { Location: prefix }).end();
    if (!pathname.startsWith(prefix)) return void res.writeHead(404).end('not found');
    const rel = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
    await opts.hold?.(rel);
    const file = normalize(join(root, rel.endsWith('/') ? `${rel}index.html` : rel));
    if (!file.startsWith(root + sep)) {
      return void res.writeHead(403).end();
    }
    let size: number;
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      size = st.size;
    } catch {
      return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(size),
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin + prefix,
    origin,
    requested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
