import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's default (cores − 1) runs the unit files one at a time on a 2-core machine; they wait on
    // Python and on disk often enough that two at a time took the unit run from 148 s to 128 s there.
    // (e2e files stay sequential: fileParallelism false below; two Chromiums at once were slower.)
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**'],
          environment: 'node',
          globalSetup: ['tests/fixtures/system-deps.ts', 'tests/fixtures/checkpoint-fixture.ts'],
          // Hooks load and score models like tests do: the same bound, so a busy machine is not a failure.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          globalSetup: ['tests/fixtures/system-deps.ts', 'tests/fixtures/checkpoint-fixture.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
