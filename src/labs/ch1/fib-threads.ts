/**
 * E1.9: the book's `fibonacci(50)` on one thread (39.67 s), then four of them on four
 * threads (42.60 s: four times the work in about the same time, on a machine with
 * cores to spare) — and, beyond the book, the same four jobs as futures on our
 * one-thread runtime, where they can only run one after another.
 *
 * fibonacci(50) would take minutes here, so a job is calibrated repetitions of a small
 * fibonacci lasting the book's 39.67 s × the time scale. Threads are the project's
 * pool, started and warmed before any timer starts (thread start-up is not the point).
 * Invariant: all three runs do identical work (the same calibrated job), so their
 * times compare directly.
 */
import { availableParallelism, loadavg } from "node:os";
import { co, joinAll, LiveRuntime, siblingModule, ThreadPool, yieldNow, type Co } from "../../index.js";
import { bookMs } from "../book-time.js";
import { direction, TOO_BUSY } from "../claims.js";
import { col, table } from "../table.js";
import type { Block, LabOptions } from "../types.js";
import type { TenTasksArg } from "./tasks.js";
import { calibrateCpuWork, runTask, type CpuWork } from "./work.js";

/** The book's figures (L563-564). */
export const BOOK_ONE_S = 39.665599542;
export const BOOK_FOUR_S = 42.601305333;
const JOBS = 4;
/** A job shorter than this would be mostly timer and scheduling noise. */
const MIN_JOB_MS = 50;

const tasksModule = siblingModule(import.meta.url, "tasks");

export interface FibRun {
  jobMs: number;
  work: CpuWork;
  oneMs: number;
  threadsMs: number;
  asyncMs: number;
  cores: number;
  load: number;
}

function* job(jobMs: number, work: CpuWork): Co<void> {
  yield* yieldNow(); // all four start before any computes
  runTask("cpu", jobMs, work);
}

export async function runFibThreads(opts: LabOptions): Promise<FibRun> {
  const jobMs = bookMs(opts, BOOK_ONE_S, MIN_JOB_MS);
  const work = calibrateCpuWork(jobMs);
  const load = loadavg()[0]!;
  let t = performance.now();
  runTask("cpu", jobMs, work);
  const oneMs = performance.now() - t;
  const pool = new ThreadPool({ workers: JOBS, seed: opts.seed, name: "fib" });
  let threadsMs: number;
  try {
    await Promise.all(
      Array.from({ length: JOBS }, (_, w) => pool.run({ module: tasksModule, name: "ready" }, { worker: w })),
    );
    const arg: TenTasksArg = { kind: "cpu", taskMs: jobMs, work };
    t = performance.now();
    await Promise.all(
      Array.from({ length: JOBS }, (_, w) => pool.run({ module: tasksModule, name: "task", arg }, { worker: w })),
    );
    threadsMs = performance.now() - t;
  } finally {
    await pool.close();
  }
  t = performance.now();
  await new LiveRuntime().blockOn(joinAll(Array.from({ length: JOBS }, () => co(job, jobMs, work))));
  const asyncMs = performance.now() - t;
  return { jobMs, work, oneMs, threadsMs, asyncMs, cores: availableParallelism(), load };
}

/** What 4 jobs on 4 threads should take, in single-job times, on `cores` cores: the cores share the jobs. */
export function expectedThreadsRatio(cores: number): number {
  return JOBS / Math.min(JOBS, Math.max(1, cores));
}

/** The E1.9 lines, computed from the three times and the core count. */
export function fibNotices(run: Pick<FibRun, "oneMs" | "threadsMs" | "asyncMs" | "cores">): string[] {
  const threads = run.threadsMs / run.oneMs;
  const asyncX = run.asyncMs / run.oneMs;
  const expected = expectedThreadsRatio(run.cores);
  const lines: string[] = [];
  lines.push(
    direction(threads / expected, 0.25) === "same"
      ? `${JOBS} threads took ${threads.toFixed(2)}× one job's time: with ` +
          `${run.cores} cores, each core runs ` +
          `${(JOBS / Math.min(JOBS, run.cores)).toFixed(0)} of the ${JOBS} jobs, ` +
          `so about ${expected.toFixed(0)}× — the book's M2 had a core per thread ` +
          `and took 1.07×.`
      : `${JOBS} threads took ${threads.toFixed(2)}× one job's time, where ` +
          `${run.cores} cores should give about ${expected.toFixed(0)}×: ` +
          `${TOO_BUSY}.`,
  );
  lines.push(
    direction(asyncX / JOBS, 0.25) === "same"
      ? `The same ${JOBS} jobs as futures on one thread took ` +
          `${asyncX.toFixed(2)}× — one after another: a computation never awaits, ` +
          `so it never gives the thread away.`
      : `The same ${JOBS} jobs as futures on one thread took ` +
          `${asyncX.toFixed(2)}×, not the ~${JOBS}× of running them in turn: ` +
          `${TOO_BUSY}.`,
  );
  return lines;
}

export function fibBlocks(run: FibRun): Block[] {
  const row = (name: string, book: number | null, ms: number) => [
    name,
    book,
    ms,
    ms / run.oneMs,
    book === null ? null : book / BOOK_ONE_S,
  ];
  return [
    table(
      `fibonacci jobs of the book's 39.67 s × time scale = ` +
        `${run.jobMs.toFixed(0)} ms each (${run.work.reps} × ` +
        `fibonacci(${run.work.n}), calibrated); ${run.cores} cores here`,
      ["run", col("book", "s", 2), col("ours", "ms", 0), col("ours ÷ one job", "×", 2), col("book ÷ one job", "×", 2)],
      [
        row("1 job, main thread", BOOK_ONE_S, run.oneMs),
        row(`${JOBS} jobs, ${JOBS} threads`, BOOK_FOUR_S, run.threadsMs),
        row(`${JOBS} jobs, futures on one thread (not in the book)`, null, run.asyncMs),
      ],
    ),
    {
      kind: "book",
      title: "E1.9 beside ours",
      rows: [
        {
          label: "fibonacci(50), 1 thread",
          book: "39.665599542s",
          ours: `${run.oneMs.toFixed(0)} ms (the scaled job)`,
        },
        {
          label: "4 threads",
          book: `42.601305333s (${(BOOK_FOUR_S / BOOK_ONE_S).toFixed(2)}×)`,
          ours: `${run.threadsMs.toFixed(0)} ms (${(run.threadsMs / run.oneMs).toFixed(2)}×)`,
          note: `${run.cores} cores here: expect ~${expectedThreadsRatio(run.cores).toFixed(0)}×`,
        },
      ],
    },
    {
      kind: "notice",
      lines: [...fibNotices(run), `Load average when the run started: ${run.load.toFixed(2)} on ${run.cores} cores.`],
    },
  ];
}
