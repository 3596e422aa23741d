// What a model kind provides (one folder per kind, one row in registry.ts): how its manifest is
// read, which variant and files a device needs, and how its folder opens as a judge or a generator.
// Everything above the kinds (the family store, the loader, the engine, the UI) works through this.
import type { Device } from '../runtime/backend-choice.ts';
import type { FileEntry } from '../model-files/file-entry.ts';
import type { ManifestRules } from '../model-files/manifest-file.ts';
import type { ReadFile } from '../model-files/read-file.ts';
import type { Judge } from '../score/judge.ts';
import type { Generator } from '../generate/generator.ts';

export type ModelRole = 'judge' | 'generator';

/** What every manifest has, whatever its kind. */
export interface KindManifest {
  kind: string;
  id: string;
  name: string;
  base?: string;
}

/** The variant a device runs and the files it needs. */
export interface KindPlan {
  variant: string;
  /** The graphs of that variant (what device fit is judged on). */
  graphs: FileEntry[];
  /** Every file to download for it: graphs, their data files, tokenizer, extras. */
  files: FileEntry[];
  /** An optional fast preview decoder, downloaded with the family. */
  preview?: { kind: string; graph: FileEntry };
  /** Planned (to be shown) although it cannot run here: an fp16-only family without shader-f16. */
  noF16?: boolean;
}

/** Options a kind's folder may be opened with (a generator's decoder). */
export interface OpenOptions {
  decoder?: 'full' | 'preview';
}

interface KindBase<M extends KindManifest> {
  kind: M['kind'];
  /** What the Models card calls it, e.g. "Reward model (VP-Score)". */
  label: string;
  parse(text: string, source: string, rules?: ManifestRules): M;
  /** Every variant the manifest offers. */
  variants(m: M): string[];
  /** `forced` wins when the manifest has it (a setting, tests); else the best for the device. */
  plan(m: M, device: Device, forced?: string): KindPlan;
}

/** The judge a folder opened as, with what the engine reports of it. */
export interface OpenedJudge {
  judge: Judge;
  variant: string;
  /** The graphs' bytes with their external data. */
  modelBytes: number;
}

export interface JudgeKind<M extends KindManifest = KindManifest> extends KindBase<M> {
  role: 'judge';
  open(read: ReadFile, origin: string, m: M, variant: string, device: Device): Promise<OpenedJudge>;
}

export interface GeneratorKind<M extends KindManifest = KindManifest> extends KindBase<M> {
  role: 'generator';
  open(read: ReadFile, origin: string, m: M, variant: string, device: Device, opts?: OpenOptions): Promise<Generator>;
}

export type ModelKind = JudgeKind | GeneratorKind;
