// The bench page (bench/index.html → browser-bench.ts) built into .bench/dist and served with the
// full-size models at /full-models/ (same origin, COOP/COEP from vite.config.ts): what every
// Chromium bench opens.
import { resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { fullModelsMiddleware } from './full-size/run-full.ts';

const root = resolve(import.meta.dirname, '..');

export async function serveBenchPage(): Promise<{ url: string; server: PreviewServer }> {
  const outDir = resolve(root, '.bench/dist');
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true, rollupOptions: { input: resolve(root, 'bench/index.html') } } });
  const server = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { port: 0, strictPort: false, open: false },
    plugins: [{ name: 'full-models', configurePreviewServer: (s) => void s.middlewares.use(fullModelsMiddleware()) }],
  });
  return { url: `${server.resolvedUrls!.local[0]}bench/index.html`, server };
}
