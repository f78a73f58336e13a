import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Forks, not threads: several suites spawn worker_threads and child processes of their own.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
