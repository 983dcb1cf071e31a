import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Any deprecation warning (pg's concurrent client.query() among them) fails the test.
    setupFiles: ['test/setup/fail-on-deprecation.ts'],
    hookTimeout: 60_000,
    testTimeout: 30_000,
    // Two cores here: more workers only add contention on PostgreSQL.
    maxWorkers: 2,
  },
});
