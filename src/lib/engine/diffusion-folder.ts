// A diffusion family folder (preflens.json + three graphs per dtype variant + tokenizer.json), read
// through the same ReadFile function as VP-Score folders: HTTP for the built-in family, picked files
// or a Node directory otherwise. Only the chosen variant's graphs are read.
import { ModelFileError } from './errors.ts';
import { GRAPHS, parseDiffusionManifest, type DiffusionManifest, type DtypeVariant, type GraphName } from './diffusion-manifest.ts';
import { MANIFEST_FILE } from './manifest.ts';
import { verifyFile, type ReadFile } from './model-folder.ts';

export interface DiffusionFolder {
  manifest: DiffusionManifest;
  variant: DtypeVariant;
  graphs: Record<GraphName, Uint8Array>;
  tokenizerJson: unknown;
  origin: string;
}

const text = new TextDecoder();

export async function readDiffusionManifest(read: ReadFile, origin: string): Promise<DiffusionManifest> {
  return parseDiffusionManifest(text.decode(await read(MANIFEST_FILE)), `${origin}/${MANIFEST_FILE}`);
}

export async function readDiffusionFolder(
  read: ReadFile,
  origin: string,
  manifest: DiffusionManifest,
  variant: DtypeVariant,
): Promise<DiffusionFolder> {
  const files = manifest.variants[variant];
  if (!files) throw new ModelFileError(`${origin} has no ${variant} variant`);
  const graphs = {} as Record<GraphName, Uint8Array>;
  for (const g of GRAPHS) {
    const f = files[g];
    graphs[g] = await read(f.file);
    await verifyFile(`${origin}/${f.file}`, graphs[g], f);
  }
  const tokBytes = await read(manifest.tokenizer);
  await verifyFile(`${origin}/${manifest.tokenizer}`, tokBytes, { sha256: manifest.sha256?.tokenizer });
  let tokenizerJson: unknown;
  try {
    tokenizerJson = JSON.parse(text.decode(tokBytes));
  } catch (e) {
    throw new ModelFileError(`${origin}/${manifest.tokenizer} is not valid JSON: ${(e as Error).message}`);
  }
  return { manifest, variant, graphs, tokenizerJson, origin };
}
