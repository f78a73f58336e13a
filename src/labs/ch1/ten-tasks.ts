/**
 * E1.5, E1.6 (and E1.9's point): ten tasks of one book-second each, run four ways —
 * one after another, split over two child processes, on two pool worker threads,
 * and as async futures on one thread — for a workload that waits and one that computes.
 *
 * What it shows: processes and threads cut both workloads in half (two of each, on a
 * 2-core machine); async cuts the *waiting* workload to about one task, and does
 * nothing for the computing one, because futures interleave on one thread and a
 * computation never gives the thread away.
 *
 * Timing: every figure is wall time, measured here. The processes variant includes
 * spawning Node twice (as the book's includes `Command::spawn`), and also reports the
 * time inside the children; the pool is started and warmed before its timer starts
 * (thread start-up is not the point, and a real program starts its pool once).
 */
import { availableParallelism, loadavg } from "node:os";
import { co, joinAll, LiveRuntime, sleep, ThreadPool, yieldNow, type Co } from "../../index.js";
import { siblingModule } from "../../index.js";
import type { LabOptions } from "../types.js";
import { exited, onLines, spawnChild } from "./child-process.js";
import type { TenTasksArg } from "./tasks.js";
import { calibrateCpuWork, runTask, type CpuWork, type TaskKind } from "./work.js";
import { bookMs } from "../book-time.js";

/** The book's ten tasks, split 5 + 5 (processes started with `task 1` and `task 6`). */
export const TASKS = 10;
export const UNITS = 2;

/**
 * Shortest task, whatever the time scale: below ~50 ms a task is shorter than starting
 * a Node process (~40 ms here), and the processes variant would measure start-up only.
 */
export const MIN_TASK_MS = 50;

const tasksModule = siblingModule(import.meta.url, "tasks");

export interface VariantResult {
  kind: TaskKind;
  variant: "sequential" | "processes" | "threads" | "async";
  ms: number;
  /** Who ran the tasks: PIDs (processes), worker indices (threads), or this PID. */
  units: string[];
  /** Tasks each unit ran, in `units` order. */
  perUnit: number[];
  /** Processes only: the longest time a child spent in its task loop (start-up excluded). */
  workedMs?: number;
  /** Processes only: the printout, in arrival order. */
  lines?: string[];
}

function sequential(kind: TaskKind, taskMs: number, work: CpuWork, printout: string[]): VariantResult {
  const start = performance.now();
  for (let i = 0; i < TASKS; i++) {
    printout.push("Running task...");
    runTask(kind, taskMs, work);
  }
  return {
    kind,
    variant: "sequential",
    ms: performance.now() - start,
    units: [`pid ${process.pid}`],
    perUnit: [TASKS],
  };
}

async function processes(kind: TaskKind, taskMs: number, work: CpuWork): Promise<VariantResult> {
  const start = performance.now();
  const per = TASKS / UNITS;
  const lines: string[] = [];
  const worked: number[] = [];
  const counts = new Map<string, number>();
  const children = Array.from({ length: UNITS }, (_, u) => {
    const child = spawnChild([
      "tasks",
      kind,
      String(1 + u * per),
      String(per),
      String(taskMs),
      String(work.n),
      String(work.reps),
    ]);
    onLines(child, (line) => {
      if (line.startsWith("#worked ")) return void worked.push(Number(line.slice(8)));
      lines.push(line);
      const pid = /process: (\d+)$/.exec(line)?.[1];
      if (pid !== undefined) counts.set(pid, (counts.get(pid) ?? 0) + 1);
    });
    return child;
  });
  const statuses = await Promise.all(children.map(exited));
  const ms = performance.now() - start;
  statuses.forEach((s, u) => {
    if (s.code !== 0)
      throw new Error(`child process ${children[u]!.pid} ended with ${s.signal ?? `exit code ${s.code}`}`);
  });
  lines.push("Both processes have completed.");
  const units = children.map((c) => String(c.pid));
  return {
    kind,
    variant: "processes",
    ms,
    units,
    perUnit: units.map((pid) => counts.get(pid) ?? 0),
    workedMs: Math.max(...worked),
    lines,
  };
}

async function threads(pool: ThreadPool, kind: TaskKind, taskMs: number, work: CpuWork): Promise<VariantResult> {
  const arg: TenTasksArg = { kind, taskMs, work };
  const start = performance.now();
  const ran = await Promise.all(
    Array.from({ length: TASKS }, () => pool.run<number>({ module: tasksModule, name: "task", arg })),
  );
  const ms = performance.now() - start;
  const perUnit = Array.from({ length: pool.size }, (_, w) => ran.filter((x) => x === w).length);
  return { kind, variant: "threads", ms, units: perUnit.map((_, w) => `worker ${w}`), perUnit };
}

/** One async task: give the thread away once (so all ten have started), then do the work. */
function* asyncTask(kind: TaskKind, taskMs: number, work: CpuWork): Co<void> {
  yield* yieldNow();
  if (kind === "sleep")
    yield* sleep(taskMs); // waits without holding the thread
  else runTask(kind, taskMs, work); // computes: holds the thread until done
}

async function asyncFutures(kind: TaskKind, taskMs: number, work: CpuWork): Promise<VariantResult> {
  const rt = new LiveRuntime();
  const start = performance.now();
  await rt.blockOn(joinAll(Array.from({ length: TASKS }, () => co(asyncTask, kind, taskMs, work))));
  return { kind, variant: "async", ms: performance.now() - start, units: [`pid ${process.pid}`], perUnit: [TASKS] };
}

export interface TenTasksRun {
  taskMs: number;
  work: CpuWork;
  results: VariantResult[];
  sequentialPrintout: string[];
  /** 1-minute load average when the run started, and this machine's cores: context for the parallel rows. */
  load: number;
  cores: number;
}

export async function runTenTasks(opts: LabOptions): Promise<TenTasksRun> {
  const load = loadavg()[0]!;
  const taskMs = bookMs(opts, 1, MIN_TASK_MS);
  const work = calibrateCpuWork(taskMs);
  const pool = new ThreadPool({ workers: UNITS, seed: opts.seed, name: "ch1" });
  const results: VariantResult[] = [];
  const sequentialPrintout: string[] = [];
  try {
    // Warm the pool: each worker imports the task module before any timer starts.
    await Promise.all(
      Array.from({ length: UNITS }, (_, w) => pool.run({ module: tasksModule, name: "ready" }, { worker: w })),
    );
    for (const kind of ["sleep", "cpu"] as const) {
      opts.log(`ten ${kind} tasks of ${taskMs} ms: sequential, processes, threads, async…`);
      results.push(sequential(kind, taskMs, work, kind === "sleep" ? sequentialPrintout : []));
      results.push(await processes(kind, taskMs, work));
      results.push(await threads(pool, kind, taskMs, work));
      results.push(await asyncFutures(kind, taskMs, work));
    }
  } finally {
    await pool.close();
  }
  return { taskMs, work, results, sequentialPrintout, load, cores: availableParallelism() };
}
