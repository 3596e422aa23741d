// Registers the service worker (src/sw.ts) in production builds and keeps its state for the header:
// whether the app is stored for offline use, whether an update waits, and why WASM runs on one
// thread. On a host that cannot send COOP/COEP, the service worker adds them; the page reloads once
// when it first takes control so that the reload is cross-origin isolated (never more than once).
import { get, writable, type Readable } from 'svelte/store';
import { Workbox } from 'workbox-window';

export type OfflineStatus = 'off' | 'installing' | 'ready' | 'update-ready' | 'failed';

export interface ServiceWorkerState {
  status: OfflineStatus;
  /** Why the service worker is off or failed (shown as a tooltip). */
  detail: string;
}

const state = writable<ServiceWorkerState>({ status: 'off', detail: 'Service worker not started.' });
export const serviceWorkerState: Readable<ServiceWorkerState> = state;

/** sessionStorage key: set just before the one reload that should make the page isolated. */
export const ISOLATION_RELOAD_KEY = 'preflens-isolation-reload';

export interface IsolationFacts {
  isolated: boolean;
  /** A service worker can run here (secure context, API present, production build). */
  canUseServiceWorker: boolean;
  /** This tab already reloaded once for isolation. */
  alreadyReloaded: boolean;
}

/** Reload for isolation only if it is missing, a service worker can add it, and we have not tried. */
export function shouldReloadForIsolation(f: IsolationFacts): boolean {
  return !f.isolated && f.canUseServiceWorker && !f.alreadyReloaded;
}

/** Why WASM runs on one thread here, or null when threads are available. */
export function threadsNote(f: IsolationFacts): { short: string; detail: string } | null {
  if (f.isolated) return null;
  const short = 'this host does not allow threads';
  const base =
    'The page is not cross-origin isolated (the host sends no COOP/COEP headers), so WASM cannot use ' +
    'SharedArrayBuffer and runs on one thread.';
  if (!f.canUseServiceWorker) return { short, detail: `${base} Service workers are unavailable here, so the app cannot add them.` };
  if (!f.alreadyReloaded) {
    return { short, detail: `${base} The app adds them itself once it is stored for offline use, then reloads once.` };
  }
  return { short, detail: `${base} The app's service worker added them, but this browser did not isolate the page.` };
}

function readReloadFlag(): boolean {
  try {
    return sessionStorage.getItem(ISOLATION_RELOAD_KEY) !== null;
  } catch {
    return true; // no sessionStorage: we could not guard a reload, so never reload
  }
}

export function isolationFacts(): IsolationFacts {
  return {
    isolated: globalThis.crossOriginIsolated === true,
    canUseServiceWorker: import.meta.env.PROD && globalThis.isSecureContext === true && 'serviceWorker' in navigator,
    alreadyReloaded: readReloadFlag(),
  };
}

function reloadForIsolation(): void {
  if (!shouldReloadForIsolation(isolationFacts())) return;
  sessionStorage.setItem(ISOLATION_RELOAD_KEY, String(Date.now()));
  location.reload();
}

let workbox: Workbox | null = null;
let waiting = false;

/** Register the service worker (production only; `vite dev` sends COOP/COEP itself). */
export function startServiceWorker(): void {
  const facts = isolationFacts();
  if (!facts.canUseServiceWorker) {
    const why = import.meta.env.PROD ? 'Service workers are unavailable here (needs https or localhost).' : 'No service worker in `vite dev`.';
    state.set({ status: 'off', detail: why });
    return;
  }
  if (facts.isolated) {
    try {
      sessionStorage.removeItem(ISOLATION_RELOAD_KEY);
    } catch {
      /* no sessionStorage: nothing to clear */
    }
  }
  const wb = new Workbox(new URL('sw.js', document.baseURI).href, { scope: './' });
  workbox = wb;
  const controlled = navigator.serviceWorker.controller !== null;
  state.set({ status: controlled ? 'ready' : 'installing', detail: '' });

  wb.addEventListener('activated', (e) => {
    if (!e.isUpdate && !e.isExternal) state.set({ status: 'ready', detail: '' });
  });
  // First install: clients.claim() makes it control this page; reload once if that brings isolation.
  wb.addEventListener('controlling', (e) => {
    if (!e.isUpdate) reloadForIsolation();
    else if (e.isExternal) state.set({ status: 'update-ready', detail: 'A newer version took over in another tab.' });
    else location.reload(); // the user accepted the update here
  });
  wb.addEventListener('waiting', () => {
    waiting = true;
    state.set({ status: 'update-ready', detail: '' });
  });
  wb.addEventListener('redundant', () => {
    // The first install failed (e.g. a precached file is missing or storage is full).
    if (get(state).status === 'installing') state.set({ status: 'failed', detail: 'The offline copy could not be stored (see the console).' });
  });

  wb.register({ immediate: true }).then(
    (reg) => {
      // A hard reload bypasses the service worker: the page is uncontrolled although one is active.
      if (reg?.active && !navigator.serviceWorker.controller) reloadForIsolation();
    },
    (e: unknown) => state.set({ status: 'failed', detail: `The offline copy could not be stored: ${(e as Error)?.message ?? e}` }),
  );
}

/** Activate the waiting version (the page reloads once it takes control), or just reload. */
export function applyUpdate(): void {
  if (workbox && waiting) workbox.messageSkipWaiting();
  else location.reload();
}
