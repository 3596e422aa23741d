// The diffusion and VP-Score families this device knows of, kept across visits: the manifests the
// app ships and those the user added, downloaded or imported (stored-setting.ts). The Models view lists
// them; at start, Generate picks among the downloaded ones (engine-state.svelte.ts).
import { loadSetting, saveSetting } from './stored-setting.ts';

const ADDED_KEY = 'preflens.added-families';

/** SD-Turbo (WebGPU with shader-f16) and SDXS-512 (int8, runs on WASM): public/manifests/. */
export const SHIPPED_FAMILIES = () => ['manifests/sd-turbo.json', 'manifests/sdxs-512.json'].map((m) => new URL(m, document.baseURI).href);
/** Published checkpoints the app can get and import by itself ("Get ImageReward"); others come by ?checkpoint= links. */
export const SHIPPED_CHECKPOINTS = () => [new URL('manifests/imagereward.json', document.baseURI).href];
/** The families the app knows of on this device: the shipped manifests and those the user added. */
export const knownFamilyUrls = (): string[] => [...new Set([...SHIPPED_FAMILIES(), ...loadAdded()])];

export const loadAdded = (): string[] => loadSetting(ADDED_KEY, (v) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined), []);

export const saveAdded = (urls: string[]): void => saveSetting(ADDED_KEY, urls);
