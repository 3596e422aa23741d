import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**'],
          environment: 'node',
          globalSetup: ['tests/fixtures/checkpoint-fixture.ts'],
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
          globalSetup: ['tests/fixtures/checkpoint-fixture.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
