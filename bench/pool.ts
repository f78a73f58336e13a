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
 * contender gets one warm-up batch and then a few timed batches, interleaved with the
 * other contenders' (see `timeInterleaved`); `opsPerSec` is batches/s (1000 /
 * makespan ms), plus `makespanMs`, `tasksPerSec`, `speedup` columns.
 *
 * Workers load compiled JavaScript, so this suite runs from `dist/` (the `lab` CLI does).
 */
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { loadPeer } from "./peers.js";
import { ThreadPool } from "../src/index.js";
import { seededRandom } from "../src/runtime/rng.js";
import { coarseStepsFor, dispatch } from "./pool-tasks.js";
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
/**
 * Timed batches per contender (after one warm-up batch each). Five = one full rotation
 * of the five pools, so each runs once in every position of the round-robin (two runs
 * left the first-measured pool first in half of them: 841 vs 819 ms for equal pools).
 * tiny-tasks runs once: the slow peers take ~15 s a batch.
 */
const FIB_RUNS = 5;
const TINY_RUNS = 1;
const COARSE_RUNS = 5;

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

async function contenders(threads: number, seed: number, warn: (line: string) => void): Promise<PoolContender[]> {
  const tasks = compiled("./pool-tasks.ts");
  const ours = new ThreadPool({ workers: threads, seed });
  const pools: PoolContender[] = [
    {
      subject: "async-lab",
      runBatch: (jobs) => Promise.all(jobs.map((j) => ours.submit({ module: tasks, name: j.kind, arg: j.n }))),
      close: () => ours.close(),
    },
  ];
  const { Piscina } = (await loadPeer("piscina", () => import("piscina"), warn)) ?? {};
  if (Piscina) {
    const piscina = new Piscina({
      filename: compiled("./pool-peers/piscina-worker.ts").href,
      minThreads: threads,
      maxThreads: threads,
    });
    pools.push({
      subject: "piscina",
      runBatch: (jobs) => Promise.all(jobs.map((j) => piscina.run(j))),
      close: () => piscina.destroy(),
    });
  }
  const Tinypool = (await loadPeer("tinypool", () => import("tinypool"), warn))?.default;
  if (Tinypool) {
    const tinypool = new Tinypool({
      filename: compiled("./pool-peers/piscina-worker.ts").href,
      minThreads: threads,
      maxThreads: threads,
    });
    pools.push({
      subject: "tinypool",
      runBatch: (jobs) => Promise.all(jobs.map((j) => tinypool.run(j))),
      close: () => tinypool.destroy(),
    });
  }
  const { FixedThreadPool } = (await loadPeer("poolifier", () => import("poolifier"), warn)) ?? {};
  if (FixedThreadPool) {
    const poolifier = new FixedThreadPool(threads, fileURLToPath(compiled("./pool-peers/poolifier-worker.ts")), {
      errorHandler: (e) => console.error(e),
    });
    pools.push({
      subject: "poolifier",
      runBatch: (jobs) => Promise.all(jobs.map((j) => poolifier.execute(j))),
      close: () => poolifier.destroy(),
    });
  }
  const workerpool = (await loadPeer("workerpool", () => import("workerpool"), warn))?.default;
  if (workerpool) {
    const wp = workerpool.pool(fileURLToPath(compiled("./pool-peers/workerpool-worker.ts")), {
      minWorkers: threads,
      maxWorkers: threads,
      workerType: "thread",
    });
    pools.push({
      subject: "workerpool",
      runBatch: (jobs) => Promise.all(jobs.map((j) => Promise.resolve(wp.exec("dispatch", [j])))),
      close: () => Promise.resolve(wp.terminate()),
    });
  }
  return pools;
}

/**
 * Close a pool, but give up waiting after `ms`. Seen with poolifier 5 (about 1 close
 * in 8, all five pools closing at once): its `destroy()` promise never settled and no
 * handle was left, so Node ended the process with exit code 0 and the results unprinted.
 * The ref'd timer here keeps the process alive until we move on.
 */
async function closeWithin(pool: PoolContender, ms: number, log: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), ms)));
  try {
    const outcome = await Promise.race([Promise.resolve(pool.close()).then(() => "closed" as const), gaveUp]);
    if (outcome === "timeout") log(`  ${pool.subject}: close() did not settle within ${ms} ms; moving on`);
  } finally {
    clearTimeout(timer);
  }
}
const CLOSE_DEADLINE_MS = 5_000;

function fibJobs(seed: number): Job[] {
  const rng = seededRandom(seed);
  return Array.from({ length: FIB_TASKS }, () => ({
    kind: "fib" as const,
    n: Math.min(32, 18 + Math.floor(-Math.log(1 - rng()) * 2.5)),
  }));
}

const singleThread: PoolContender = {
  subject: "single-thread",
  runBatch: async (jobs) => jobs.map(dispatch),
  close: async () => undefined,
};

/**
 * Makespans of `runs` batches per contender. Every contender is warmed first (its
 * workers started, modules loaded, code optimised) before any is timed, and the timed
 * runs go round-robin over the contenders, starting one further each round — so
 * worker start-up, a load spike on this shared machine or a GC of the main thread
 * lands on all of them alike. (Rejected: timing contender after contender — the
 * first one measured ran while the others' threads were still booting, and the
 * one-thread baseline, measured once, carried all the noise of the speed-up.)
 */
async function timeInterleaved(cs: PoolContender[], jobs: Job[], runs: number, warmJobs: Job[]): Promise<number[][]> {
  for (const c of cs) await c.runBatch(warmJobs);
  const out: number[][] = cs.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let k = 0; k < cs.length; k++) {
      const i = (k + r) % cs.length;
      const t0 = performance.now();
      await cs[i]!.runBatch(jobs);
      out[i]!.push(performance.now() - t0);
    }
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
    const pools = await contenders(threads, options.seed, options.warn);
    const rows: BenchRow[] = [];
    try {
      // Start every pool's threads and load their modules before anything is timed.
      for (const c of pools) await c.runBatch([{ kind: "tiny", n: 1 }]);
      if (want("fib-imbalanced")) {
        const jobs = fibJobs(options.seed);
        const all = [singleThread, ...pools];
        const times = await timeInterleaved(all, jobs, FIB_RUNS, jobs.slice(0, 200));
        const base = row("fib-imbalanced", singleThread.subject, times[0]!, jobs.length);
        rows.push({ ...base, speedup: 1 });
        options.log(`  fib-imbalanced · single-thread: ${(base.makespanMs as number).toFixed(0)} ms`);
        pools.forEach((c, i) => {
          const r = row("fib-imbalanced", c.subject, times[i + 1]!, jobs.length);
          r.speedup = (base.makespanMs as number) / (r.makespanMs as number);
          rows.push(r);
          options.log(
            `  fib-imbalanced · ${c.subject}: ` +
              `${(r.makespanMs as number).toFixed(0)} ms, ` +
              `${(r.speedup as number).toFixed(2)}× over one thread`,
          );
        });
      }
      if (want("tiny-tasks")) {
        const jobs: Job[] = Array.from({ length: TINY_TASKS }, (_, i) => ({ kind: "tiny", n: i }));
        const times = await timeInterleaved(pools, jobs, TINY_RUNS, jobs.slice(0, 20_000));
        pools.forEach((c, i) => {
          const r = row("tiny-tasks", c.subject, times[i]!, jobs.length);
          rows.push(r);
          options.log(`  tiny-tasks · ${c.subject}: ${(r.tasksPerSec as number).toFixed(0)} tasks/s`);
        });
      }
      if (want("coarse")) {
        const steps = coarseStepsFor(COARSE_MS);
        const jobs: Job[] = Array.from({ length: COARSE_TASKS }, () => ({ kind: "coarse", n: steps }));
        const times = await timeInterleaved(pools, jobs, COARSE_RUNS, jobs.slice(0, threads));
        pools.forEach((c, i) => {
          const r = row("coarse", c.subject, times[i]!, jobs.length);
          rows.push(r);
          options.log(`  coarse · ${c.subject}: ${(r.makespanMs as number).toFixed(0)} ms`);
        });
      }
    } finally {
      await Promise.all(pools.map((c) => closeWithin(c, CLOSE_DEADLINE_MS, options.warn)));
    }
    return rows;
  },
};
