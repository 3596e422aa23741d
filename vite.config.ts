import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets ort-web use WASM threads (SharedArrayBuffer); see shared/BROWSER.md.
// On a static host that cannot send these, the service worker (src/sw.ts) adds them.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative URLs: the built app runs from any sub-path of any static host (e.g. /preflens/).
  base: './',
  plugins: [
    svelte(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // src/lib/ui/service-worker.ts registers it; an update waits for the user (no reload mid-run).
      injectRegister: false,
      registerType: 'prompt',
      manifest: {
        name: 'PrefLens',
        short_name: 'PrefLens',
        description: 'Generate and rank text-to-image results with VP-Score, entirely in your browser.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#3554d1',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      injectManifest: {
        // The shell, the worker chunk, the WASM files vite emits (ort's builds — src/sw.ts keeps only
        // those this browser can load — and the JPEG/WebP decoders) and the built-in models.
        globPatterns: ['**/*.{html,js,mjs,css,wasm,json,onnx}'], // + web manifest and icon, added by the plugin
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024, // ort-wasm-simd-threaded.asyncify.wasm is 26.8 MB
      },
      devOptions: { enabled: false },
    }),
  ],
  server: { host: '127.0.0.1', port: 5173, strictPort: true, headers: crossOriginIsolation },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true, headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
});
