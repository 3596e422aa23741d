// Which downloaded families the user picked with "Use this model" (manifest URLs), kept across
// visits; engine-state.svelte.ts loads them at start.
import { isRecord, loadSetting, saveSetting } from './stored-setting.ts';

export interface Chosen {
  scorer?: string;
  generator?: string;
}

const CHOSEN_KEY = 'preflens.chosen-models';

export const loadChosen = (): Chosen => loadSetting(CHOSEN_KEY, (v) => (isRecord(v) ? (v as Chosen) : undefined), {});

export const saveChosen = (c: Chosen): void => saveSetting(CHOSEN_KEY, c);
