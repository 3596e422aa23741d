#!/usr/bin/env node
// `npx preflens score --model DIR --prompt "…" IMAGE…`: the engine's TypeScript runs through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
