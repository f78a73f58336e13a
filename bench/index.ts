/**
 * The bench suites `lab bench` knows, loaded only when they run.
 *
 * Each entry carries what `lab list` and `--case` checking need (id, summary, cases)
 * and a `load` that imports the suite module. Importing the modules here instead would
 * load every suite — and, through them, code that only a benchmark needs — into every
 * `lab` command. `test/bench-registry.test.ts` checks that each entry's cases are the
 * loaded suite's, so the two lists cannot drift apart.
 *
 * Adding a suite = one entry here.
 */
import type { BenchSuite } from "./types.js";

export interface SuiteEntry {
  id: string;
  summary: string;
  cases: string[];
  load(): Promise<BenchSuite>;
}

export const suites: SuiteEntry[] = [
  {
    id: "executor",
    summary:
      "Tokio's runtime benchmarks (spawn_many, yield_many, ping_pong, chained_spawn, timers, memory) " +
      "vs native promises and effect",
    cases: ["spawn_many", "yield_many", "yield_many_typed", "ping_pong", "chained_spawn", "timers", "memory"],
    load: async () => (await import("./executor.js")).executorSuite,
  },
  {
    id: "actors",
    summary:
      "actor tell/ask throughput, spawning 100k actors (+ heap per idle actor), fan-out; " +
      "vs nact, xstate, promise queue",
    cases: ["tell", "ask", "spawn", "fan-out"],
    load: async () => (await import("./actors.js")).actorsSuite,
  },
  {
    id: "bus",
    summary: "event bus fan-out to 1/10/100 consuming subscribers vs EventEmitter, RxJS Subject, mitt",
    cases: ["fanout-1", "fanout-10", "fanout-100"],
    load: async () => (await import("./bus.js")).busSuite,
  },
  {
    id: "io",
    summary: "HTTP keep-alive: our server vs Node's (autocannon), our client vs http.request, fetch; 1-byte-chunk CPU",
    cases: ["server_hello_keepalive", "client_keepalive", "chunked_1byte_cpu"],
    load: async () => (await import("./io.js")).ioSuite,
  },
  {
    id: "pool",
    summary: "ThreadPool (work stealing, SharedArrayBuffer deques) vs piscina, tinypool, poolifier, workerpool",
    cases: ["fib-imbalanced", "tiny-tasks", "coarse"],
    load: async () => (await import("./pool.js")).poolSuite,
  },
];

export function findSuite(id: string): SuiteEntry | undefined {
  return suites.find((s) => s.id === id);
}
