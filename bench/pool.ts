/**
 * `lab bench pool`: our work-stealing ThreadPool against piscina, tinypool,
 * poolifier and workerpool, same tasks (pool-tasks.ts), same run, same worker count
 * (the machine's cores).
 *
 * - `fib-imbalanced`: 2,000 recursive-Fibonacci tasks with heavy-tailed sizes
 *   (seeded: n = 18 + ⌊Exp(mean 2.5)⌋, capped at 32, so the cost ∝ 1.618ⁿ has a
 *   tail heavier than its decay) — makespan, and speed-up over running the same
 *   list on this one thread (`single-thread`).
 * - `tiny-tasks`: 200,000 tasks of ~1 µs — tasks/s; what per-task messaging costs.
 * - `coarse`: 16 tasks of ~100 ms — makespan; per-task overhead is noise here.
 *
 * Not tinybench: one iteration of a case is a whole batch (up to seconds), so each
 * contender gets one warm-up batch and then `RUNS` timed batches; `opsPerSec` is
 * batches/s (1000 / makespan ms), plus `makespanMs`, `tasksPerSec`, `speedup` columns.
 *
 * Workers load compiled JavaScript, so this suite runs from `dist/` (the `lab` CLI does).
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import Tinypool from "tinypool";
import { FixedThreadPool } from "poolifier";
import workerpool from "workerpool";
import { ThreadPool } from "../src/index.js";
import { seededRandom } from "../src/runtime/rng.js";
import { dispatch } from "./pool-tasks.js";
import type { BenchOptions, BenchRow, BenchSuite } from "./types.js";

type Kind = "fib" | "tiny" | "coarse";
interface Job {
  kind: Kind;
  n: number;
}

const FIB_TASKS = 2_000;
const TINY_TASKS = 200_000;
const COARSE_TASKS = 16;
const COARSE_MS = 100;
const RUNS = 3;

/** `.js` files beside this one once compiled; from sources, their compiled twins in dist/. */
function compiled(relative: string): URL {
  const url = new URL(relative.replace(/\.ts$/, ".js"), import.meta.url);
  if (!import.meta.url.endsWith(".ts")) return url;
  return new URL(url.href.replace("/bench/", "/dist/bench/"));
}

interface PoolContender {
  subject: string;
  runBatch(jobs: Job[]): Promise<unknown>;
  close(): Promise<unknown>;
}

function contenders(threads: number, seed: number): PoolContender[] {
  const tasks = compiled("./pool-tasks.ts");
  const ours = new ThreadPool({ workers: threads, seed });
  const piscina = new Piscina({ filename: compiled("./pool-peers/piscina-worker.ts").href, minThreads: threads, maxThreads: threads });
  const tinypool = new Tinypool({ filename: compiled("./pool-peers/piscina-worker.ts").href, minThreads: threads, maxThreads: threads });
  const poolifier = new FixedThreadPool(threads, fileURLToPath(compiled("./pool-peers/poolifier-worker.ts")), { errorHandler: (e) => console.error(e) });
  const wp = workerpool.pool(fileURLToPath(compiled("./pool-peers/workerpool-worker.ts")), { minWorkers: threads, maxWorkers: threads, workerType: "thread" });
  return [
    { subject: "async-lab", runBatch: (jobs) => Promise.all(jobs.map((j) => ours.submit({ module: tasks, name: j.kind, arg: j.n }))), close: () => ours.close() },
    { subject: "piscina", runBatch: (jobs) => Promise.all(jobs.map((j) => piscina.run(j))), close: () => piscina.destroy() },
    { subject: "tinypool", runBatch: (jobs) => Promise.all(jobs.map((j) => tinypool.run(j))), close: () => tinypool.destroy() },
    { subject: "poolifier", runBatch: (jobs) => Promise.all(jobs.map((j) => poolifier.execute(j))), close: () => poolifier.destroy() },
    { subject: "workerpool", runBatch: (jobs) => Promise.all(jobs.map((j) => Promise.resolve(wp.exec("dispatch", [j])))), close: () => Promise.resolve(wp.terminate()) },
  ];
}

function fibJobs(seed: number): Job[] {
  const rng = seededRandom(seed);
  return Array.from({ length: FIB_TASKS }, () => ({ kind: "fib" as const, n: Math.min(32, 18 + Math.floor(-Math.log(1 - rng()) * 2.5)) }));
}

const singleThread: PoolContender = {
  subject: "single-thread",
  runBatch: async (jobs) => jobs.map(dispatch),
  close: async () => undefined,
};

async function timeBatches(c: PoolContender, jobs: Job[], runs: number, warmJobs: Job[]): Promise<number[]> {
  await c.runBatch(warmJobs);
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await c.runBatch(jobs);
    out.push(performance.now() - t0);
  }
  return out;
}

function row(caseName: string, subject: string, makespans: number[], tasks: number): BenchRow {
  const mean = makespans.reduce((a, b) => a + b, 0) / makespans.length;
  const sd = Math.sqrt(makespans.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, makespans.length - 1));
  return {
    case: caseName,
    subject,
    opsPerSec: 1000 / mean,
    rme: makespans.length > 1 ? (100 * 1.96 * sd) / Math.sqrt(makespans.length) / mean : 0,
    samples: makespans.length,
    makespanMs: mean,
    tasksPerSec: (tasks * 1000) / mean,
  };
}

export const poolSuite: BenchSuite = {
  id: "pool",
  summary: "ThreadPool (work stealing, SharedArrayBuffer deques) vs piscina, tinypool, poolifier, workerpool",
  cases: ["fib-imbalanced", "tiny-tasks", "coarse"],
  async run(options: BenchOptions): Promise<BenchRow[]> {
    const threads = availableParallelism();
    const want = (c: string) => options.cases.length === 0 || options.cases.includes(c);
    const pools = contenders(threads, options.seed);
    const rows: BenchRow[] = [];
    try {
      if (want("fib-imbalanced")) {
        const jobs = fibJobs(options.seed);
        const warm = jobs.slice(0, 200);
        const base = row("fib-imbalanced", singleThread.subject, await timeBatches(singleThread, jobs, 1, warm), jobs.length);
        rows.push({ ...base, speedup: 1 });
        for (const c of pools) {
          const r = row("fib-imbalanced", c.subject, await timeBatches(c, jobs, RUNS, warm), jobs.length);
          r.speedup = (base.makespanMs as number) / (r.makespanMs as number);
          rows.push(r);
          options.log(`  fib-imbalanced · ${c.subject}: ${(r.makespanMs as number).toFixed(0)} ms, ${(r.speedup as number).toFixed(2)}× over one thread`);
        }
      }
      if (want("tiny-tasks")) {
        const jobs: Job[] = Array.from({ length: TINY_TASKS }, (_, i) => ({ kind: "tiny", n: i }));
        for (const c of pools) {
          const r = row("tiny-tasks", c.subject, await timeBatches(c, jobs, 1, jobs.slice(0, 20_000)), jobs.length);
          rows.push(r);
          options.log(`  tiny-tasks · ${c.subject}: ${(r.tasksPerSec as number).toFixed(0)} tasks/s`);
        }
      }
      if (want("coarse")) {
        const jobs: Job[] = Array.from({ length: COARSE_TASKS }, () => ({ kind: "coarse", n: COARSE_MS }));
        for (const c of pools) {
          const r = row("coarse", c.subject, await timeBatches(c, jobs, 2, jobs.slice(0, threads)), jobs.length);
          rows.push(r);
          options.log(`  coarse · ${c.subject}: ${(r.makespanMs as number).toFixed(0)} ms`);
        }
      }
    } finally {
      await Promise.all(pools.map((c) => c.close()));
    }
    return rows;
  },
};
