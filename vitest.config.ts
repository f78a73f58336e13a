import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // fast-check's size for every property test (see the file for why).
    setupFiles: ["test/fast-check-setup.ts"],
    // Forks, not threads: several suites spawn worker_threads and child processes of their own.
    pool: "forks",
    // Two files at a time on a 2-core machine (vitest's default is cores − 1, i.e. one):
    // most of the slow files wait on child processes, so two overlap well — 130 s instead
    // of 200 s for the suite. Timeouts stay generous, so a busy machine slows, not fails, it.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
