/**
 * A virtual clock and a tiny deterministic runtime that runs on it — the seam that
 * lets the heater, retry and circuit-breaker experiments run in simulated time.
 *
 * Invariants:
 * 1. Time moves only in `VirtualRuntime.run*`: by `pollCostMs` per poll (the model's
 *    price of one poll, so a future that wakes itself forever still lets time pass),
 *    and by jumping to the earliest timer when no task is runnable.
 * 2. Everything is FIFO and timers tie-break by registration order (TimerHeap), so a
 *    run depends only on its inputs and seed — never on the machine.
 * 3. Nothing here touches a Node timer: a finished (or abandoned) run holds no handle.
 *
 * Why our own loop and not the project's sim driver: this issue needed virtual time
 * before that driver landed; the loop is ~80 lines and uses only the public `Task`.
 * Rejected: faking `performance.now()` globally (vitest fake timers) — it would also
 * fake the clock of the code measuring us.
 */
import type { Future, TimerEntry, Timers } from "../futures/poll.js";
import { GeneratorFuture, type Co } from "../futures/generator-future.js";
import { TimerHeap } from "../runtime/timer-heap.js";
import { Task, type JoinHandle, type TaskScheduler } from "../runtime/task.js";
import { enterRuntime, type Spawner } from "../runtime/current.js";

/** A clock you move by hand; timers fire when you advance past their deadline. */
export class VirtualTimers implements Timers {
  private readonly heap = new TimerHeap();
  private time = 0;

  constructor(start = 0) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  get size(): number {
    return this.heap.size;
  }
  register(entry: TimerEntry): void {
    this.heap.push(entry);
  }
  cancel(entry: TimerEntry): void {
    this.heap.remove(entry);
  }
  /** Deadline of the earliest registered timer, or Infinity. */
  nextDeadline(): number {
    return this.heap.peek()?.deadline ?? Infinity;
  }
  /** Move the clock to `to` (never backwards) and wake every timer due by then, earliest first. */
  advanceTo(to: number): void {
    if (to > this.time) this.time = to;
    let top = this.heap.peek();
    while (top !== undefined && top.deadline <= this.time) {
      this.heap.pop();
      top.waker?.wake();
      top = this.heap.peek();
    }
  }
  /** Advance by `ms`. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }
}

export interface VirtualRuntimeOptions {
  /** Virtual milliseconds one poll costs (default 0: polls are free, only timers move time). */
  pollCostMs?: number;
}

/** A single-queue runtime on a {@link VirtualTimers} clock. Deterministic; see the module doc. */
export class VirtualRuntime implements TaskScheduler, Spawner {
  readonly timers = new VirtualTimers();
  /** Polls run so far (for "polls per simulated second"). */
  polls = 0;
  private readonly queue: Task<unknown>[] = [];
  private head = 0;
  private nextId = 1;
  private live = 0;
  private readonly pollCostMs: number;
  private readonly failures: unknown[] = [];

  constructor(options: VirtualRuntimeOptions = {}) {
    this.pollCostMs = options.pollCostMs ?? 0;
    if (!(this.pollCostMs >= 0)) throw new RangeError(`pollCostMs must be >= 0, got ${options.pollCostMs}`);
  }

  now(): number {
    return this.timers.now();
  }

  spawn<T>(work: Future<T> | Co<T>): JoinHandle<T> {
    const future: Future<T> = typeof (work as Future<T>).poll === "function" ? (work as Future<T>) : new GeneratorFuture(work as Co<T>);
    const task = new Task<T>(this.nextId++, future, this);
    this.live++;
    this.schedule(task as Task<unknown>);
    return task;
  }

  /** Run until virtual time `until` (ms) is reached, `stop()` says so, or nothing is left to do. */
  runUntil(until: number, stop?: () => boolean): void {
    enterRuntime(this, () => {
      const timers = this.timers;
      for (;;) {
        if (stop !== undefined && stop()) return;
        if (this.head < this.queue.length) {
          if (timers.now() >= until) return;
          const task = this.queue[this.head++]!;
          if (this.head > 1024 && this.head * 2 > this.queue.length) {
            this.queue.splice(0, this.head);
            this.head = 0;
          }
          this.polls++;
          task.run();
          // Fire what fell due (at this instant, or during the poll's modelled cost).
          timers.advance(this.pollCostMs);
          continue;
        }
        const next = timers.nextDeadline();
        if (next === Infinity || next > until) {
          if (until !== Infinity) timers.advanceTo(until);
          return;
        }
        timers.advanceTo(next);
      }
    });
  }

  /** Run until `handle` finishes, then return its value (or throw its error). */
  runToCompletion<T>(handle: JoinHandle<T>, limitMs = Number.MAX_SAFE_INTEGER): T {
    this.runUntil(limitMs, () => handle.finished);
    if (!handle.finished) {
      throw new Error(`virtual runtime: task not finished (t=${this.now()} ms; runnable ${this.queue.length - this.head}, timers ${this.timers.size})`);
    }
    try {
      return handle.poll({ waker: { wake() {} } }) as T;
    } catch (error) {
      throw (error as { cause?: unknown }).cause ?? error;
    }
  }

  /** Tasks not yet ended. */
  get liveTasks(): number {
    return this.live;
  }

  /** Detached failures seen (a test asserts it is empty). */
  get detachedFailures(): readonly unknown[] {
    return this.failures;
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  schedule(task: Task<unknown>): void {
    this.queue.push(task);
  }
  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  taskEnded(): void {
    this.live--;
  }
  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  detachedTaskFailed(_task: Task<unknown>, error: unknown): void {
    this.failures.push(error);
  }
}
