/**
 * E1.5, E1.6: what the ten-task runs (ten-tasks.ts) print — the table beside the book's
 * figures, and the sentences, each computed from the speed-ups measured beside it (a
 * busy machine that hid the effect is said to have done so).
 */
import type { Block, LabOptions, TableBlock } from "../types.js";
import { direction, speedWords, TOO_BUSY } from "../claims.js";
import type { TaskKind } from "./work.js";
import { MIN_TASK_MS, TASKS, UNITS, type TenTasksRun, type VariantResult } from "./ten-tasks.js";

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
