/**
 * The two workloads of chapter 1's "ten tasks": one that *waits* (a sleep) and one
 * that *computes* (recursive Fibonacci). The same functions run on the main thread,
 * in pool workers (tasks.ts) and in child processes (child.ts), so every variant
 * does identical work. Imports stay minimal: a child process loads this file at
 * start-up, and start-up time is part of what the processes variant measures.
 */
// A child process loads this at start-up, and start-up is part of what E1.6 measures:
// import the one narrow module needed, not the public index (which loads the whole library).
import { blockingSleep } from "../../runtime/blocking.js";

/** The book's `fibonacci`: deliberately exponential, a pure CPU burner. */
export function fibonacci(n: number): number {
  return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

/** One CPU task: `reps` × fibonacci(n). Returned so the work cannot be optimised away. */
export interface CpuWork {
  n: number;
  reps: number;
}

export function cpuWork(work: CpuWork): number {
  let sum = 0;
  for (let i = 0; i < work.reps; i++) sum += fibonacci(work.n);
  return sum;
}

/**
 * fibonacci(FIB_N) takes about a millisecond on a 2020s core: small enough that a
 * task's length can be tuned in ~1 ms steps by repetition (fib's own cost grows
 * 1.6× per n, too coarse to hit a target length).
 */
export const FIB_N = 22;

/** Calibration trials, and how long each runs: long enough for timer resolution, short enough to repeat. */
const CALIBRATION_TRIALS = 5;
const CALIBRATION_TRIAL_MS = 10;

/**
 * How many fibonacci(FIB_N) make one task of about `taskMs` on this machine (measured,
 * after a warm-up). The fastest of several short trials is kept: on a shared machine
 * a single trial may be slowed by other processes and would make every task too short.
 */
export function calibrateCpuWork(taskMs: number): CpuWork {
  cpuWork({ n: FIB_N, reps: 20 }); // warm-up: let V8 optimise fibonacci first
  let bestPerMs = 0;
  for (let trial = 0; trial < CALIBRATION_TRIALS; trial++) {
    let reps = 0;
    const start = performance.now();
    let elapsed = 0;
    while ((elapsed = performance.now() - start) < CALIBRATION_TRIAL_MS) {
      fibonacci(FIB_N);
      reps++;
    }
    bestPerMs = Math.max(bestPerMs, reps / elapsed);
  }
  return { n: FIB_N, reps: Math.max(1, Math.round(taskMs * bestPerMs)) };
}

export type TaskKind = "sleep" | "cpu";

/** Run one task of `kind` on the calling thread, blocking it (the book's `task()`). */
export function runTask(kind: TaskKind, taskMs: number, work: CpuWork): void {
  if (kind === "sleep") blockingSleep(taskMs);
  else cpuWork(work);
}
