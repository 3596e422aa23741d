// Which decoder each diffusion family loads — its own ("full VAE") or its fast preview one — as the
// user picked it in Models, kept across visits (localStorage). A family never set uses its own.
import { DECODER_CHOICES, type DecoderChoice } from '../engine/families/diffusion-manifest.ts';

const DECODER_KEY = 'preflens.decoder-choice';

export function loadDecoderChoices(): Record<string, DecoderChoice> {
  try {
    const v = JSON.parse(localStorage.getItem(DECODER_KEY) ?? '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, DecoderChoice] => (DECODER_CHOICES as readonly unknown[]).includes(e[1])));
  } catch {
    return {};
  }
}

/** A family's decoder: as picked, else its own. */
export const decoderFor = (choices: Record<string, DecoderChoice>, url: string): DecoderChoice => choices[url] ?? 'full';

export function saveDecoderChoices(c: Record<string, DecoderChoice>): void {
  localStorage.setItem(DECODER_KEY, JSON.stringify(c));
}
