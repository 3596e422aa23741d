/// <reference lib="webworker" />
// The service worker (vite-plugin-pwa injectManifest): precaches the app shell, ort's WASM and the
// built-in models so the app starts with no network, and adds the COOP/COEP headers to what it
// serves so the page is cross-origin isolated (WASM threads) even on a host that cannot send them.
// Of ort's builds it precaches only those this browser can load (runtime/ort-build.ts): with JSPI
// one 16.8 MB file instead of all three (58 MB).
import { addPlugins, cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { clientsClaim } from 'workbox-core';
import type { PrecacheEntry } from 'workbox-precaching';
import { buildsForHost, ortBuildOfAsset, runtimeHost } from './lib/engine/runtime/ort-build.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

// require-corp, as `vite dev`/`vite preview` send: measured in Chromium, CORS-mode fetch() of a
// cross-origin file with `Access-Control-Allow-Origin: *` (also through a cross-origin redirect,
// from the page and from a module worker) works exactly as with `credentialless`; only no-cors
// cross-origin <img> without CORP differs, and the app loads none. Safari has no credentialless.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** A copy of `response` with the isolation headers (documents and worker scripts need them). */
function withIsolationHeaders(response: Response): Response {
  if (response.type === 'opaque' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

addPlugins([{ handlerWillRespond: async ({ response }) => withIsolationHeaders(response) }]);
const builds = buildsForHost(runtimeHost());
const entryUrl = (e: PrecacheEntry | string) => (typeof e === 'string' ? e : e.url);
precacheAndRoute(self.__WB_MANIFEST.filter((e) => {
  const build = ortBuildOfAsset(entryUrl(e));
  return build === null || builds.includes(build);
}));
cleanupOutdatedCaches();

// The app is one page: its URL with any query (?backend=…, ?view=…) is index.html from the precache.
const scopePath = new URL(self.registration.scope).pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    allowlist: [new RegExp(`^${scopePath}(index\\.html)?(\\?.*)?$`)],
  }),
);

// A new version waits until the page asks for it (the user pressed "Reload" on the update notice),
// so a running generation is never cut off by an update. The first install takes control at once.
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
clientsClaim();
