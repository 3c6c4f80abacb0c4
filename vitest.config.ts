import { defineConfig } from 'vitest/config';

// One vitest run covers every workspace package. Test files run in parallel; each isolates
// itself (own database cloned from a migrated template, own queue prefix), see packages/testing.
// Files named *.timing.test.ts assert on throughput or latency, so they run in their own
// project, one file at a time, after the rest (npm test runs the two projects in turn).
const shared = ['{packages,services}/*/{src,test}/**/'];

export default defineConfig({
  test: {
    globalSetup: ['packages/testing/src/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: shared.map((p) => `${p}*.test.ts`),
          exclude: ['**/*.timing.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'timing', include: shared.map((p) => `${p}*.timing.test.ts`), fileParallelism: false },
      },
    ],
  },
});
