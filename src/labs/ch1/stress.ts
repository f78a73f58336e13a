/**
 * E1.1: eight threads each computing the book's recursive `fibonacci(4000)` — a
 * result that never comes — to watch the CPU saturate (book: 7% idle → 99.95%).
 *
 * Measured, not watched in an activity monitor: the same window twice, first with
 * the process idle, then with the threads running, reading
 *   - `process.cpuUsage()`: CPU time of this process, every thread included (it is
 *     getrusage(RUSAGE_SELF)), over wall time → "% of one core", at most cores × 100 %;
 *   - `os.cpus()` busy ticks over all ticks → the whole machine's load, the
 *     activity monitor's figure (other processes included; 10 ms tick resolution).
 * Then every thread is terminated and awaited: nothing is left running.
 */
import { availableParallelism, cpus } from "node:os";
import type { Worker } from "node:worker_threads";
import { siblingModule, startModuleWorker } from "../../index.js";
import type { Block, LabOptions } from "../types.js";
import { bookMs } from "../book-time.js";
import { TOO_BUSY } from "../claims.js";

const workerModule = siblingModule(import.meta.url, "stress-worker");

/** The book's thread count and argument (L115-117). */
export const STRESS_THREADS = 8;
const BOOK_FIB_N = 4000;
/** How long we watch each window, in book seconds (the book gives none: it watches until it stops the program). */
const WINDOW_BOOK_S = 10;
/** Floor for the window: `os.cpus()` counts in 10 ms ticks, so a shorter window would be mostly rounding. */
export const MIN_WINDOW_MS = 500;

export interface CpuWindow {
  wallMs: number;
  /** CPU time of this process (user + system, all threads) in the window. */
  cpuMs: number;
  /** cpuMs / wallMs as a percentage of one core. */
  processPct: number;
  /** Busy share of all cores of the machine (every process), in %. */
  machinePct: number;
}

export interface StressRun {
  threads: number;
  cores: number;
  idle: CpuWindow;
  stress: CpuWindow;
  /** The book's printout would be `Thread {i} result: …`; ours says how each thread ended. */
  lines: string[];
  /** Exit codes of the terminated threads (1 = terminated). */
  exitCodes: number[];
}

function machineTicks(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

async function measureWindow(ms: number): Promise<CpuWindow> {
  const ticks0 = machineTicks();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const ticks1 = machineTicks();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const totalTicks = ticks1.total - ticks0.total;
  return {
    wallMs,
    cpuMs,
    processPct: (100 * cpuMs) / wallMs,
    machinePct: totalTicks > 0 ? (100 * (ticks1.busy - ticks0.busy)) / totalTicks : 0,
  };
}

function startThread(n: number): { worker: Worker; computing: Promise<void> } {
  const worker = startModuleWorker(workerModule, { n });
  const computing = new Promise<void>((resolve, reject) => {
    worker.once("message", () => resolve());
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`stress thread exited with code ${code} before computing`)));
  });
  return { worker, computing };
}

export async function runStress(opts: LabOptions): Promise<StressRun> {
  const windowMs = bookMs(opts, WINDOW_BOOK_S, MIN_WINDOW_MS);
  const idle = await measureWindow(windowMs);
  const threads = Array.from({ length: STRESS_THREADS }, () => startThread(BOOK_FIB_N));
  let stress: CpuWindow;
  let exitCodes: number[];
  try {
    await Promise.all(threads.map((t) => t.computing));
    stress = await measureWindow(windowMs);
  } finally {
    // terminate() interrupts fibonacci mid-recursion; awaiting it means the thread is gone.
    exitCodes = await Promise.all(threads.map((t) => t.worker.terminate()));
  }
  const lines = threads.map(
    (_, i) =>
      `Thread ${i}: still computing fibonacci(${BOOK_FIB_N}) after ` +
      `${stress.wallMs.toFixed(0)} ms — terminated, no result`,
  );
  return { threads: STRESS_THREADS, cores: availableParallelism(), idle, stress, lines, exitCodes };
}

export function stressBlocks(run: StressRun): Block[] {
  const row = (label: string, w: CpuWindow) => [label, w.wallMs, w.cpuMs, w.processPct, w.machinePct];
  return [
    {
      kind: "table",
      title:
        `CPU use of this process and of the machine (${run.cores} cores), idle ` +
        `vs ${run.threads} threads computing fibonacci(${BOOK_FIB_N})`,
      columns: [
        { header: "window" },
        { header: "wall", unit: "ms", digits: 0 },
        { header: "process CPU time", unit: "ms", digits: 0 },
        { header: "process CPU (100% = 1 core)", unit: "%", digits: 1 },
        { header: "machine busy", unit: "%", digits: 1 },
      ],
      rows: [row("idle (before)", run.idle), row(`${run.threads} fibonacci threads`, run.stress)],
    },
    { kind: "text", title: "E1.1 printout (the book's `Thread {i} result: …` never comes)", lines: run.lines },
    {
      kind: "book",
      title: "E1.1 beside ours",
      rows: [
        {
          label: "CPU, idle",
          book: "7%",
          ours:
            `${run.idle.machinePct.toFixed(1)}% machine, ` +
            `${run.idle.processPct.toFixed(1)}% of a core for this process`,
        },
        {
          label: `CPU, ${run.threads} fibonacci threads`,
          book: "99.95%",
          ours:
            `${run.stress.machinePct.toFixed(1)}% machine, ` +
            `${run.stress.processPct.toFixed(0)}% of a core for this process`,
          note: `at most ${run.cores * 100}% on ${run.cores} cores`,
        },
      ],
    },
    {
      kind: "notice",
      lines: [
        `${run.threads} threads on ${run.cores} cores: this process got ` +
          `${(run.stress.processPct / 100).toFixed(2)} cores' worth of CPU time ` +
          `per second of wall time; the ceiling is ${run.cores}, however many ` +
          `threads (other processes on the machine take their share too).`,
        stressNotice(run.idle.machinePct, run.stress.machinePct),
        "fibonacci(4000) would need ~10^836 calls; the threads are terminated " +
          "(worker.terminate() interrupts running JavaScript), so the process can " +
          "exit.",
      ],
    },
  ];
}

/**
 * E1.1's point — a handful of busy threads saturate a machine that thousands of
 * waiting threads leave idle — stated only when the two windows show it.
 */
export function stressNotice(idlePct: number, stressPct: number): string {
  if (idlePct >= 80) {
    return (
      `The machine was already ${idlePct.toFixed(0)}% busy before the threads ` +
      `started, so this run cannot show idle → saturated (other processes had ` +
      `the cores).`
    );
  }
  if (stressPct >= 90 && stressPct - idlePct >= 20) {
    return (
      `The thread count barely changed, yet the machine went from ` +
      `${idlePct.toFixed(0)}% to ${stressPct.toFixed(0)}% busy: most threads ` +
      `on a machine wait, and waiting costs no CPU.`
    );
  }
  return (
    `The machine only went from ${idlePct.toFixed(0)}% to ` +
    `${stressPct.toFixed(0)}% busy — short of saturated: ${TOO_BUSY}.`
  );
}
