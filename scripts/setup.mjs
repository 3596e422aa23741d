// `npm run setup`: a clean install without onnxruntime-node's CUDA download.
// onnxruntime-node (the native reference runtime: benches, `--runtime native`) bundles its CPU
// binaries; on linux/x64 its install script would also fetch CUDA ones from NuGet — hundreds of MB
// nobody here uses, and a failed `npm ci` offline. Its documented switch is the environment
// variable below, for npm ≤ 10, which runs dependencies' install scripts; npm 11's `allowScripts`
// (package.json) denies them all (esbuild and protobufjs work without theirs: the tests ran so). An
// `.npmrc` key did the same but npm warns about it on every `npx` call and says it stops working in
// npm's next major version. Plain Node, so it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

export function installCommand(env = process.env) {
  return {
    command: 'npm',
    args: ['ci', '--no-audit', '--no-fund'],
    env: { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { command, args, env } = installCommand();
  const run = spawnSync(command, args, { env, stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(run.status ?? 1);
}
