import { defineConfig } from 'vitest/config';

// One run, three kinds of test: engine + flows (node), designer units (jsdom), browser (Playwright).
export default defineConfig({
  test: {
    env: { METADATA_SERVER_DETECTION: 'none' },
    projects: [
      {
        test: {
          name: 'engine',
          environment: 'node',
          include: ['engine/**/*.test.ts', 'flows/**/*.test.ts', 'bin/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'designer',
          environment: 'jsdom',
          include: ['designer/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        test: {
          name: 'browser',
          environment: 'node',
          include: ['designer/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
