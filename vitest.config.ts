import { availableParallelism } from 'node:os';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The files that need no engine run two at a time even on two cores (vitest's default is one
    // fewer than the cores); the docker project's run one at a time regardless.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    globalSetup: ['./test/testbed/temp-dirs.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      { extends: true, test: { name: 'cli', include: ['test/cli/**/*.test.ts'] } },
      { extends: true, test: { name: 'git', include: ['test/git/**/*.test.ts'] } },
      { extends: true, test: { name: 'github', include: ['test/github/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'docker',
          include: ['test/**/*.test.ts'],
          exclude: ['test/cli/**', 'test/git/**', 'test/github/**'],
          // The suites share the two engines; one file at a time keeps their containers apart.
          fileParallelism: false,
          globalSetup: ['./test/testbed/temp-dirs.ts', './test/testbed/global-setup.ts'],
        },
      },
    ],
  },
});
