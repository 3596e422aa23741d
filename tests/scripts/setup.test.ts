import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs: it must run before TypeScript tooling is installed
import { installCommand } from '../../scripts/setup.mjs';

describe('npm run setup', () => {
  it("installs with onnxruntime-node's CUDA download switched off, through its documented variable", () => {
    const { command, args, env } = installCommand({ PATH: '/bin' });
    expect([command, ...args]).toEqual(['npm', 'ci', '--no-audit', '--no-fund']);
    expect(env).toEqual({ PATH: '/bin', ONNXRUNTIME_NODE_INSTALL: 'skip' });
    // npm 11 runs dependencies' install scripts only where package.json allows them.
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(pkg.allowScripts['onnxruntime-node']).toBe(false);
  });

  it('leaves npm nothing to warn about: no project .npmrc key, npx runs the CLI silently', () => {
    expect(existsSync('.npmrc')).toBe(false);
    const run = spawnSync('npx', ['preflens', '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toMatch(/npm warn/i);
    expect(run.stdout).toMatch(/^usage: preflens score/m);
  });
});
