import { defineConfig } from 'vitest/config';

// One vitest run covers every workspace package. Test files run in parallel; each isolates
// itself (own database cloned from a migrated template, own queue prefix), see packages/testing.
export default defineConfig({
  test: {
    include: ['{packages,services}/*/{src,test}/**/*.test.ts'],
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
