import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'rules/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on subprocesses (the CLI, Python, git, Chromium): on 2 cores, vitest's default of
    // one worker (cores − 1) left a core idle and took 9.7 min; two take 5.8 min.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
