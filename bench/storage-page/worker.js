// Dedicated module worker for bench/storage-bench.ts: one phase per worker (the page terminates
// the worker after each reply), so a phase's buffers cannot inflate the next phase's memory and
// "terminate without close()" is a real worker restart. Plain JS so the page needs no build step.
const MiB = 1024 * 1024;

// Deterministic content: the little-endian uint32 at byte offset 4k holds k. A lost or zero-filled
// region anywhere but the very first word shows up, and a chunk's content depends only on its index.
function fillChunk(u32, byteOffset) {
  const base = byteOffset / 4;
  for (let i = 0; i < u32.length; i++) u32[i] = base + i;
}

/** Word checks at the start, chunk edges, middle and end: returns the offsets that are wrong. */
function verify(bytes, total, chunkBytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offsets = [0, 4, chunkBytes - 4, chunkBytes, Math.floor(total / 8) * 4, total - 4];
  return offsets.filter((o) => o < bytes.byteLength && view.getUint32(o, true) !== o / 4);
}

const errInfo = (e) => ({ name: e?.name ?? typeof e, message: String(e?.message ?? e) });
const opfsRoot = () => navigator.storage.getDirectory();
const estimate = async () => {
  const { usage, quota } = await navigator.storage.estimate();
  return { usage, quota };
};

// Each phase gets {total, chunk, ...} in bytes and returns a plain object (structured-cloned).
const phases = {
  async env() {
    return {
      crossOriginIsolated: self.crossOriginIsolated,
      syncHandle: typeof FileSystemSyncAccessHandle === 'function',
      caches: typeof caches === 'object',
      persisted: await navigator.storage.persisted(),
      ...(await estimate()),
    };
  },

  // Baseline: the cost of making the bytes, so the store timings can be read net of it.
  async gen({ total, chunk }) {
    const u32 = new Uint32Array(chunk / 4);
    const t0 = performance.now();
    for (let off = 0; off < total; off += chunk) fillChunk(u32, off);
    return { ms: performance.now() - t0 };
  },

  // Sync-handle write from `from` (or from getSize() when resume=true) up to `to`, reusing one
  // chunk buffer (write() copies). close=false leaves the handle open so the page's terminate()
  // is the only thing that ends it, like a tab closed mid-download.
  async opfsWrite({ name, chunk, from, to, resume, flush, close }) {
    const fh = await (await opfsRoot()).getFileHandle(name, { create: true });
    const h = await fh.createSyncAccessHandle();
    const sizeAtOpen = h.getSize();
    const start = resume ? sizeAtOpen : from;
    const u32 = new Uint32Array(chunk / 4);
    const bytes = new Uint8Array(u32.buffer);
    const t0 = performance.now();
    let genMs = 0;
    for (let off = start; off < to; off += chunk) {
      const g = performance.now();
      fillChunk(u32, off);
      genMs += performance.now() - g;
      const n = Math.min(chunk, to - off);
      const wrote = h.write(n === chunk ? bytes : bytes.subarray(0, n), { at: off });
      if (wrote !== n) throw new Error(`short write at ${off}: ${wrote}/${n}`);
    }
    if (flush) h.flush();
    const ms = performance.now() - t0;
    const sizeAfter = h.getSize();
    if (close) h.close();
    return { sizeAtOpen, start, sizeAfter, ms, genMs };
  },

  // Whole file into one Uint8Array: a single read(buf, {at: 0}), or (piece > 0) one read per
  // piece into subarrays of the same buffer, in case one huge read is slower.
  async opfsReadSync({ name, chunk, piece = 0 }) {
    const h = await (await (await opfsRoot()).getFileHandle(name)).createSyncAccessHandle();
    const t0 = performance.now();
    const size = h.getSize();
    const buf = new Uint8Array(size);
    let got = 0;
    if (!piece) got = h.read(buf, { at: 0 });
    else for (let at = 0; at < size; at += piece) got += h.read(buf.subarray(at, Math.min(size, at + piece)), { at });
    const ms = performance.now() - t0;
    h.close();
    return { size, got, ms, bad: verify(buf, size, chunk) };
  },

  async opfsReadFile({ name, chunk }) {
    const t0 = performance.now();
    const file = await (await (await opfsRoot()).getFileHandle(name)).getFile();
    const buf = new Uint8Array(await file.arrayBuffer());
    const ms = performance.now() - t0;
    return { size: buf.byteLength, ms, bad: verify(buf, buf.byteLength, chunk) };
  },

  async opfsSize({ name }) {
    const file = await (await (await opfsRoot()).getFileHandle(name)).getFile();
    const tail = new Uint8Array(await file.slice(Math.max(0, file.size - 4)).arrayBuffer());
    const last = file.size >= 4 ? new DataView(tail.buffer).getUint32(0, true) : -1;
    return { size: file.size, lastWordOk: last === (file.size - 4) / 4 };
  },

  async opfsDelete({ names }) {
    const root = await opfsRoot();
    for (const n of names) await root.removeEntry(n).catch(() => {});
    return estimate();
  },

  // cache.put of a Response whose body is a ReadableStream of fresh chunks (the stream may hold
  // on to each chunk, so no buffer reuse). errorAt: error the stream once that many bytes went out.
  async cachePut({ cacheName, url, total, chunk, errorAt }) {
    const cache = await caches.open(cacheName);
    let off = 0;
    let genMs = 0;
    const body = new ReadableStream({
      pull(c) {
        if (errorAt !== undefined && off >= errorAt) return c.error(new Error('simulated network failure'));
        if (off >= total) return c.close();
        const n = Math.min(chunk, total - off);
        const g = performance.now();
        const u32 = new Uint32Array(n / 4);
        fillChunk(u32, off);
        genMs += performance.now() - g;
        c.enqueue(new Uint8Array(u32.buffer));
        off += n;
      },
    });
    const headers = { 'content-type': 'application/octet-stream', 'content-length': String(total) };
    const t0 = performance.now();
    try {
      await cache.put(url, new Response(body, { headers }));
      return { ok: true, ms: performance.now() - t0, genMs, sent: off };
    } catch (e) {
      return { ok: false, ms: performance.now() - t0, genMs, sent: off, error: errInfo(e) };
    }
  },

  async cacheRead({ cacheName, url, chunk }) {
    const t0 = performance.now();
    const res = await (await caches.open(cacheName)).match(url);
    const buf = new Uint8Array(await res.arrayBuffer());
    const ms = performance.now() - t0;
    return { size: buf.byteLength, ms, bad: verify(buf, buf.byteLength, chunk) };
  },

  // What a failed put left behind: an entry under the URL? its size? how many keys?
  async cacheState({ cacheName, url }) {
    const cache = await caches.open(cacheName);
    const res = await cache.match(url);
    const size = res ? (await res.arrayBuffer()).byteLength : null;
    return { stored: !!res, size, keys: (await cache.keys()).length, ...(await estimate()) };
  },

  async cacheDelete({ cacheName }) {
    await caches.delete(cacheName);
    return estimate();
  },

  // Under a quota override: write `chunk`-byte pieces until write() throws (or `limit` is reached).
  async quotaOpfs({ name, chunk, limit }) {
    const before = await estimate();
    let stage = 'getFileHandle';
    let written = 0;
    let lastReturn = null;
    let sizeAfter = null;
    try {
      const fh = await (await opfsRoot()).getFileHandle(name, { create: true });
      stage = 'createSyncAccessHandle';
      const h = await fh.createSyncAccessHandle();
      const u32 = new Uint32Array(chunk / 4);
      try {
        stage = 'write';
        for (let off = 0; off < limit; off += chunk) {
          fillChunk(u32, off);
          lastReturn = h.write(new Uint8Array(u32.buffer), { at: off });
          written += lastReturn;
        }
        stage = 'flush';
        h.flush();
        stage = null;
      } finally {
        sizeAfter = h.getSize();
        h.close();
      }
      return { before, written, lastReturn, sizeAfter, error: null, after: await estimate() };
    } catch (e) {
      return { before, stage, written, lastReturn, sizeAfter, error: errInfo(e), after: await estimate() };
    }
  },
};

self.onmessage = async ({ data: { phase, args } }) => {
  try {
    self.postMessage({ ok: true, value: await phases[phase](args) });
  } catch (e) {
    self.postMessage({ ok: false, error: errInfo(e) });
  }
};
