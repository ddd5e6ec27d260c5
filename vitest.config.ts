import { defineConfig } from 'vitest/config';

// One run, three kinds of test: engine + flows (node), designer units (jsdom), browser (Playwright).
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    env: { METADATA_SERVER_DETECTION: 'none' },
    projects: [
      {
        test: {
          name: 'engine',
          environment: 'node',
          include: ['engine/**/*.test.ts', 'flows/**/*.test.ts', 'bin/**/*.test.ts', 'scripts/**/*.test.ts', 'media/**/*.test.ts', 'test/**/*.test.ts'],
          // A private PostgreSQL 15 server for the storage and API tests' real-server runs (FRONTDOOR_TEST_PG_URL).
          globalSetup: ['scripts/test-postgres.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'designer',
          environment: 'jsdom',
          include: ['designer/src/**/*.test.{ts,tsx}'],
          // jsdom renders of whole forms take seconds on a busy 2-core machine; 5 s was not enough.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          // expect.poll's default of 1 s is too short for a page on a busy machine.
          expect: { poll: { timeout: 10_000 } },
          include: ['designer/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
