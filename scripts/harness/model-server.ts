// A "remote" model host for the e2e tests: serves public/models/<family>/ (or another folder: a
// checkpoint to get) from another origin with CORS and HTTP Range, like Hugging Face does, plus hosts
// that misbehave on purpose. The first path segment picks the behaviour:
//   /ok/…         plain static hosting
//   /drop/…       the first full request for each weights file (.onnx, .pt) is cut off half-way (socket destroyed)
//   /slow/…       throttled (~500 kB/s) so a test can act mid-download
//   /truncated/…  .onnx files end half-way (shorter than the manifest says)
//   /wronghash/…  .onnx files have the right length but different bytes
//   /huge/…       the VP-Score manifest claims a 50 GB model (more than any test profile's quota)
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';

export interface ModelServer {
  url: string;
  /** Requests seen: path and Range header. */
  log: { path: string; range?: string }[];
  /** Forget which files were already cut off, so /drop/ cuts them again. */
  reset(): void;
  close(): Promise<void>;
}

const MODELS = join(process.cwd(), 'public', 'models');
const TYPES: Record<string, string> = { '.json': 'application/json', '.onnx': 'application/octet-stream' };

export async function startModelServer(root = MODELS): Promise<ModelServer> {
  const log: ModelServer['log'] = [];
  const dropped = new Set<string>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const range = req.headers.range;
    log.push({ path, ...(range ? { range } : {}) });
    const [, mode, ...rest] = path.split('/');
    const rel = normalize(rest.join('/'));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Accept-Ranges');
    res.setHeader('Access-Control-Allow-Headers', 'Range');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    let body: Buffer;
    try {
      if (rel.startsWith('..') || !statSync(join(root, rel)).isFile()) throw new Error('not a file');
      body = readFileSync(join(root, rel));
    } catch {
      return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
    const onnx = rel.endsWith('.onnx');
    const weights = onnx || rel.endsWith('.pt');
    if (mode === 'huge' && rel.endsWith('preflens.json')) {
      const m = JSON.parse(body.toString('utf8'));
      if (m.sizes) m.sizes.modelBytes = 50e9;
      body = Buffer.from(JSON.stringify(m));
    }
    if (onnx && mode === 'truncated') body = body.subarray(0, body.length >> 1);
    if (onnx && mode === 'wronghash') body = Buffer.from(body.map((b, i) => (i === body.length >> 1 ? b ^ 0xff : b)));
    const start = range ? Number(/bytes=(\d+)-/.exec(range)?.[1] ?? 0) : 0;
    if (start >= body.length && start > 0) {
      return void res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    }
    const part = body.subarray(start);
    const headers: Record<string, string | number> = {
      'Content-Type': TYPES[rel.slice(rel.lastIndexOf('.'))] ?? 'application/octet-stream',
      'Content-Length': part.length, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store',
    };
    if (start) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start ? 206 : 200, headers);
    if (mode === 'drop' && weights && !start && !dropped.has(rel)) {
      dropped.add(rel);
      res.write(part.subarray(0, part.length >> 1), () => setTimeout(() => res.destroy(), 50));
      return;
    }
    if (mode === 'slow') return void throttle(res, part);
    res.end(part);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    reset: () => dropped.clear(),
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

function throttle(res: import('node:http').ServerResponse, body: Buffer): void {
  let at = 0;
  const tick = () => {
    if (res.destroyed) return;
    if (at >= body.length) return void res.end();
    res.write(body.subarray(at, at + 16384));
    at += 16384;
    setTimeout(tick, 25);
  };
  tick();
}
