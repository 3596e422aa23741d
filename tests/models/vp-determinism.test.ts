// `npm run models` must write byte-identical files on every run (and machine), so the sha256 in the
// manifests and any cached copies stay valid. Two separate processes build into two temp dirs.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FOLDERS } from '../../models/vp-score/variants.ts';

const run = promisify(execFile);

function hashes(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of FOLDERS) {
    for (const f of readdirSync(join(root, spec.dir)).sort()) {
      out[`${spec.dir}/${f}`] = createHash('sha256').update(readFileSync(join(root, spec.dir, f))).digest('hex');
    }
  }
  return out;
}

describe('models/build.ts', () => {
  it('writes the same bytes on two builds', async () => {
    const roots = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'preflens-build-')));
    const t0 = performance.now();
    await Promise.all(roots.map((r) => run(process.execPath, ['--import', 'tsx', 'models/build.ts', '--out', r])));
    console.log(`two concurrent builds took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const [a, b] = roots.map(hashes);
    expect(Object.keys(a)).toHaveLength(9);
    expect(b).toEqual(a);
  }, 120_000);
});
