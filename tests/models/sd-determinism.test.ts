// The diffusion folders must come out byte-identical on every build (the manifests' sha256 and any
// cached copies depend on it): one build in a separate Node process, one in this one, same bytes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SD_FOLDERS } from '../../models/sd-tiny/variants.ts';
import { buildSdFolders } from './sd-fixtures.ts';

const run = promisify(execFile);

function hashes(dirs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, dir] of dirs.entries()) {
    for (const f of readdirSync(dir).sort()) {
      out[`${SD_FOLDERS[i].id}/${f}`] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
    }
  }
  return out;
}

describe('sd-tiny build', () => {
  it('writes the same bytes in two processes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'preflens-sd-child-'));
    const script = `
      import { buildSdFolders } from './models/sd-tiny/build-folder.ts';
      import { SD_FOLDERS } from './models/sd-tiny/variants.ts';
      const t0 = performance.now();
      buildSdFolders(SD_FOLDERS, ${JSON.stringify(root)});
      console.log(performance.now() - t0);`;
    const child = run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    const here = buildSdFolders();
    const ms = Number((await child).stdout.trim());
    console.log(`sd-tiny build in a fresh process: ${ms.toFixed(0)} ms`);
    const a = hashes(SD_FOLDERS.map((s) => join(root, s.dir)));
    const b = hashes(SD_FOLDERS.map((s) => here[s.id].dir));
    expect(Object.keys(a)).toHaveLength(8 + 8 + 9 + 5); // sd-tiny, sd-tiny-taesd: 6 graphs + 2; sd-tiny-preview: + its preview graph; sd-bad-contract: 3 graphs + 2
    expect(b).toEqual(a);
  }, 60_000);
});
