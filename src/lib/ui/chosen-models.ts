// Which downloaded families the user picked with "Use this model" (manifest URLs), kept across
// visits (localStorage); engine-state.svelte.ts loads them at start.
export interface Chosen {
  scorer?: string;
  generator?: string;
}

const CHOSEN_KEY = 'preflens.chosen-models';

export function loadChosen(): Chosen {
  try {
    return JSON.parse(localStorage.getItem(CHOSEN_KEY) ?? '{}') as Chosen;
  } catch {
    return {};
  }
}

export function saveChosen(c: Chosen): void {
  localStorage.setItem(CHOSEN_KEY, JSON.stringify(c));
}
