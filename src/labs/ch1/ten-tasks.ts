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
import type { Block, LabOptions, TableBlock } from "../types.js";
import { exited, onLines, spawnChild } from "./child-process.js";
import type { TenTasksArg } from "./tasks.js";
import { calibrateCpuWork, runTask, type CpuWork, type TaskKind } from "./work.js";
import { bookMs } from "../book-time.js";
import { direction, speedWords, TOO_BUSY } from "../claims.js";

/** The book's ten tasks, split 5 + 5 (processes started with `task 1` and `task 6`). */
const TASKS = 10;
const UNITS = 2;

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

const HOW: Record<VariantResult["variant"], string> = {
  sequential: "one after another (one thread)",
  processes: `${UNITS} child processes × ${TASKS / UNITS}`,
  threads: `pool, ${UNITS} worker threads`,
  async: "10 futures joined (one thread)",
};

/** The book's figures for the sleeping workload (E1.5, E1.6), in book seconds. */
const BOOK_SECONDS: Partial<Record<VariantResult["variant"], number>> = { sequential: 10, processes: 5.014 };

export function tenTasksBlocks(run: TenTasksRun, opts: LabOptions): Block[] {
  const { taskMs, results } = run;
  const seqOf = (kind: TaskKind) => results.find((r) => r.kind === kind && r.variant === "sequential")!.ms;
  const table: TableBlock = {
    kind: "table",
    title:
      `Ten tasks of one book-second each (1 task = ${taskMs} ms; cpu task = ` +
      `${run.work.reps} × fibonacci(${run.work.n}), calibrated)`,
    columns: [
      { header: "workload" },
      { header: "run" },
      { header: "wall", unit: "ms", digits: 1, best: "min" },
      { header: "in task-seconds", unit: "s", digits: 2 },
      { header: "speed-up", unit: "×", digits: 2, best: "max" },
      { header: "book", unit: "s", digits: 3 },
      { header: "who ran them (tasks each)" },
    ],
    rows: results.map((r) => [
      r.kind === "sleep" ? "sleep (waits)" : "fibonacci (computes)",
      HOW[r.variant],
      r.ms,
      r.ms / taskMs,
      seqOf(r.kind) / r.ms,
      r.kind === "sleep" ? (BOOK_SECONDS[r.variant] ?? null) : null,
      r.units.map((u, i) => `${u} (${r.perUnit[i]})`).join(", "),
    ]),
  };
  const procSleep = results.find((r) => r.kind === "sleep" && r.variant === "processes")!;
  const procCpu = results.find((r) => r.kind === "cpu" && r.variant === "processes")!;
  const seconds = (ms: number) => `${(ms / taskMs).toFixed(3)} task-seconds (${ms.toFixed(1)} ms)`;
  return [
    table,
    {
      kind: "book",
      title: "E1.5 / E1.6 beside ours (sleeping tasks)",
      rows: [
        { label: "10 tasks, one process", book: "10 s", ours: seconds(seqOf("sleep")) },
        {
          label: "2 processes × 5 tasks",
          book: "5.013870167 s",
          ours: seconds(procSleep.ms),
          note: `of which ${procSleep.workedMs!.toFixed(1)} ms inside the children; the rest is starting Node twice`,
        },
        {
          label: "speed-up, time inside the children",
          book: (10 / 5.013870167).toFixed(2) + "×",
          ours: (seqOf("sleep") / procSleep.workedMs!).toFixed(2) + "×",
          note: "this one compares with the book's: its 1 s tasks dwarf process start-up",
        },
        {
          label: "speed-up, whole program",
          book: (10 / 5.013870167).toFixed(2) + "×",
          ours: (seqOf("sleep") / procSleep.ms).toFixed(2) + "×",
          note:
            `includes starting Node twice ` +
            `(${(procSleep.ms - procSleep.workedMs!).toFixed(0)} ms), against ` +
            `${taskMs} ms tasks`,
        },
      ],
    },
    {
      kind: "text",
      title: "2 processes, sleeping tasks (E1.6 printout; PIDs are real, lines in arrival order)",
      lines: [
        `parent process: ${process.pid}`,
        ...procSleep.lines!,
        `The whole program took: ${(procSleep.ms / 1000).toFixed(6)}s`,
      ],
    },
    {
      kind: "notice",
      lines: [
        ...tenTasksNotices(speedups(results), run.cores),
        `Processes pay for isolation: starting Node twice cost about ` +
          `${(procCpu.ms - procCpu.workedMs!).toFixed(0)} ms on top of the work; ` +
          `threads share one process and the pool starts once.`,
        `Load average when the run started: ${run.load.toFixed(2)} on ` +
          `${run.cores} cores (a 1-minute average, so it lags).`,
        `Durations: the book's 1 s is ${taskMs} ms here (time scale ` +
          `${opts.timeScale}, minimum ${MIN_TASK_MS} ms so the processes are not ` +
          `all start-up).`,
      ],
    },
  ];
}

type Speedups = Record<TaskKind, Record<VariantResult["variant"], number>>;

/** Speed-up of every variant over running the same workload in turn on one thread. */
function speedups(results: readonly VariantResult[]): Speedups {
  const out = { sleep: {}, cpu: {} } as Speedups;
  for (const kind of ["sleep", "cpu"] as const) {
    const seq = results.find((r) => r.kind === kind && r.variant === "sequential")!.ms;
    for (const r of results.filter((x) => x.kind === kind)) out[kind][r.variant] = seq / r.ms;
  }
  return out;
}

/**
 * The "what to notice" lines of E1.5/E1.6/E1.9, computed from the speed-ups they
 * describe: each claim ("async helps waiting", "threads help computing") is made only
 * when the figures show it, and the line says what happened instead when they do not.
 */
export function tenTasksNotices(s: Speedups, cores: number): string[] {
  const lines: string[] = [];
  const asyncSleep = s.sleep.async;
  lines.push(
    asyncSleep >= TASKS / 2
      ? `Sleeping tasks: async joins ten waits on ONE thread and ran ` +
          `${speedWords(asyncSleep)} than in turn — waiting needs no thread.`
      : `Sleeping tasks: async ran ${speedWords(asyncSleep)} than in turn, far ` +
          `from the ~${TASKS}× ten overlapping waits allow — ${TOO_BUSY}.`,
  );
  lines.push(
    direction(s.cpu.async) === "more"
      ? `Fibonacci tasks: async measured ${speedWords(s.cpu.async)} — noise: ` +
          `the futures still computed one after another on one thread.`
      : `Fibonacci tasks: async ran ${speedWords(s.cpu.async)} than in turn: a ` +
          `computation holds the thread, so the ten futures run one after ` +
          `another.`,
  );
  const parallel = (["processes", "threads"] as const).flatMap((v) =>
    (["sleep", "cpu"] as const).map((k) => ({ v, k, x: s[k][v] })),
  );
  const helped = parallel.filter((p) => direction(p.x) === "more");
  const words = (p: { v: string; k: TaskKind; x: number }) =>
    `${p.v} on ${p.k === "sleep" ? "sleeping" : "fibonacci"} tasks ${speedWords(p.x)}`;
  if (helped.length === parallel.length) {
    lines.push(
      `Processes and threads helped both workloads ` +
        `(${parallel.map(words).join("; ")}): ${UNITS} of them run ${UNITS} ` +
        `tasks at once on ${cores} cores.`,
    );
  } else {
    const failed = parallel.filter((p) => direction(p.x) !== "more");
    const cpuFailed = failed.some((p) => p.k === "cpu");
    lines.push(
      `Processes and threads should help both workloads, but here: ${parallel.map(words).join("; ")}.` +
        (cpuFailed
          ? ` Computing in parallel needs free cores: ${cores < UNITS ? `this machine has ${cores}` : TOO_BUSY}.`
          : ""),
    );
  }
  return lines;
}
