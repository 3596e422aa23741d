// Which decoder each diffusion family loads — its own ("full VAE") or its fast preview one — as the
// user picked it in Models, kept across visits. A family never set uses its own.
import { DECODER_CHOICES, type DecoderChoice } from '../engine/kinds/sd-turbo/manifest.ts';
import { isRecord, loadSetting, saveSetting } from './stored-setting.ts';

const DECODER_KEY = 'preflens.decoder-choice';

export const loadDecoderChoices = (): Record<string, DecoderChoice> => loadSetting(DECODER_KEY, (v) => (isRecord(v)
  ? Object.fromEntries(Object.entries(v).filter((e): e is [string, DecoderChoice] => (DECODER_CHOICES as readonly unknown[]).includes(e[1])))
  : undefined), {});

/** A family's decoder: as picked, else its own. */
export const decoderFor = (choices: Record<string, DecoderChoice>, url: string): DecoderChoice => choices[url] ?? 'full';

export const saveDecoderChoices = (c: Record<string, DecoderChoice>): void => saveSetting(DECODER_KEY, c);
