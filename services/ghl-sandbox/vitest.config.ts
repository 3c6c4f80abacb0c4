import { defineConfig } from 'vitest/config';

// Standalone config so the sandbox's tests run without the repo-wide globalSetup (Postgres/Redis).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 10_000,
    pool: 'forks',
  },
});
