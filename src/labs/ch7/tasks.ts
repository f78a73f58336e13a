/**
 * The functions `lab ch7` runs on pool worker threads. Workers import this module
 * by URL, so every piece of state here — `counter`, `tallies`, `unsafeCounter` — exists once per
 * worker thread: the TypeScript face of the book's `thread_local!` (E7.3, E7.4, E7.6).
 *
 * Tasks never print (a worker's stdout is interleaved at random with the main
 * thread's); they return what they would have printed, stamped with a clock every
 * thread shares (`performance.timeOrigin + performance.now()`), and the lab merges
 * the lines in time order.
 */
import { blockingSleep, co, sleep, yieldNow, type BaseFuture, type Co, type TaskContext } from "../../index.js";
import { cpuWork, type CpuWork } from "../ch1/work.js";

/** Milliseconds since the epoch, comparable across threads (each thread's `performance.now()` has its own origin). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export type Stamped = [at: number, line: string];

/** E7.1's `sleep_example`: an async sleep of `ms`, then 20. */
export async function sleepExample(ms: number): Promise<{ value: number; lines: Stamped[] }> {
  const lines: Stamped[] = [[wallNow(), "sleeping for 2 seconds"]];
  await new Promise((resolve) => setTimeout(resolve, ms));
  lines.push([wallNow(), "done sleeping"]);
  return { value: 20, lines };
}

/**
 * A fixed amount of CPU work (the worker-count knob): `reps` × fibonacci(n), calibrated
 * on the main thread. Not a spin until `ms` of wall time has passed: four such spins on
 * two cores would each still end after `ms`, and the table would show a speed-up of 4
 * on a machine that can only give 2.
 */
export function work(amount: CpuWork): number {
  return cpuWork(amount);
}

// The book's `COUNTER: RefCell<u32>`; its printed outputs imply it starts at 1 (`Counter: 2` first).
let counter = 1;

export interface CounterReport {
  n: number;
  worker: number;
  counter: number;
  started: number;
  ended: number;
}

/** E7.3's `something(n)`: block the thread for `ms` (the book's `thread::sleep`), then bump this thread's counter. */
export function something(arg: { n: number; ms: number }, ctx: TaskContext): CounterReport {
  const started = wallNow();
  blockingSleep(arg.ms);
  counter += 1;
  return { n: arg.n, worker: ctx.worker, counter, started, ended: wallNow() };
}

/** The same with an async sleep (tokio's `sleep`): the worker is free to start its other tasks meanwhile. */
export async function somethingAsync(arg: { n: number; ms: number }, ctx: TaskContext): Promise<CounterReport> {
  const started = wallNow();
  await new Promise((resolve) => setTimeout(resolve, arg.ms));
  counter += 1;
  return { n: arg.n, worker: ctx.worker, counter, started, ended: wallNow() };
}

// E7.6's per-thread tally: key → count. No await inside an update, so it needs no lock (the book's UnsafeCell).
const tallies = new Map<number, number>();

/** One unit of E7.4/E7.6's workload: bump `key` twice (the book's task awaits `something` twice). */
export function tally(key: number): number {
  tallies.set(key, (tallies.get(key) ?? 0) + 2);
  return key;
}

/** E7.6's `extract_data_from_thread`: this thread's tallies, as a plain record. */
export function extract(): Record<number, number> {
  return Object.fromEntries(tallies);
}

/** Forget this thread's tallies (a fresh run of the workload). */
export function resetTallies(): number {
  const n = tallies.size;
  tallies.clear();
  return n;
}

// E7.4's `COUNTER: UnsafeCell<HashMap<u32, u32>>`: per worker thread, read and written with no lock.
const unsafeCounter = new Map<number, number>();

/** E7.4's `something(n)`: sleep n units, then count key n — no await between the read and the write. */
function* countAfterSleep(n: number, unitMs: number): Co<void> {
  yield* sleep(n * unitMs);
  unsafeCounter.set(n, (unsafeCounter.get(n) ?? 0) + 1);
}

/**
 * The broken variant: the same update with an await *inside* it. Between the read
 * and the write the task yields, other tasks update the key, and the write-back
 * overwrites their updates with a stale value — the book's warning (L5487-5490).
 */
function* countAcrossAwait(n: number, unitMs: number): Co<void> {
  yield* sleep(n * unitMs);
  const read = unsafeCounter.get(n) ?? 0;
  yield* yieldNow();
  unsafeCounter.set(n, read + 1);
}

function* countTwice(n: number, unitMs: number, awaitInside: boolean): Co<number> {
  const step = awaitInside ? countAcrossAwait : countAfterSleep;
  yield* step(n, unitMs);
  yield* step(n, unitMs);
  return n;
}

/** One E7.4 task: the book's `spawn_pinned(move || async { something(n).await; something(n).await })`, run on the
 * worker's executor. */
export function countKeyTwice(arg: { n: number; unitMs: number; awaitInside: boolean }): BaseFuture<number> {
  return co(countTwice, arg.n, arg.unitMs, arg.awaitInside);
}

/** E7.4's `print_statement`: this thread's counter, as a plain record (then cleared for the next run). */
export function takeUnsafeCounter(): Record<number, number> {
  const out = Object.fromEntries([...unsafeCounter].sort((a, b) => a[0] - b[0]));
  unsafeCounter.clear();
  return out;
}

/** In-flight work during a shutdown: `ms` of blocking, like a request being served. */
export function serve(ms: number): number {
  blockingSleep(ms);
  return ms;
}
