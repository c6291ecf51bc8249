import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    globalSetup: ['test/harness/src/global-setup.ts'],
    // Console output of passing tests is dropped, a failing test's is shown with its failure;
    // what the services the tests start log goes to .data/test-logs/ (test/harness/src/test-logs.ts).
    silent: 'passed-only',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
