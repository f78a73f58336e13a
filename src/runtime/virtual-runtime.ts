/**
 * A tiny deterministic single-queue driver on a {@link VirtualTimers} clock — what the
 * heater, retry and circuit-breaker experiments run on, in simulated time.
 *
 * Invariants:
 * 1. Time moves only in `run*`: by `pollCostMs` per poll (the model's price of one
 *    poll, so a future that wakes itself forever still lets time pass), and by
 *    jumping to the earliest timer when no task is runnable.
 * 2. Everything is FIFO and timers tie-break by registration order, so a run depends
 *    only on its inputs — never on the machine.
 * 3. No throw ends a run (driver-kit.ts, rule 3); a detached failure is collected in
 *    `detachedFailures` (or given to `onDetachedError`).
 *
 * Why not the sim driver: this is one queue, one worker, no policy and no trace — the
 * smallest loop that puts real tasks on a virtual clock. The sim driver is the one to
 * use for schedules, workers and costs.
 */
import type { Future } from "../futures/poll.js";
import type { Co } from "../futures/generator-future.js";
import { enterRuntime, type Spawner } from "./current.js";
import { createTask, reportDetached, runTask, takeOutcome, type DetachedErrorHandler } from "./driver-kit.js";
import type { JoinHandle, SpawnOptions, Task, TaskScheduler } from "./task.js";
import { VirtualTimers } from "./virtual-timers.js";

export interface VirtualRuntimeOptions {
  /** Virtual milliseconds one poll costs (default 0: polls are free, only timers move time). */
  pollCostMs?: number;
  /** Called when a detached task fails (default: kept in `detachedFailures`). */
  onDetachedError?: DetachedErrorHandler;
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
  private readonly onDetachedError: DetachedErrorHandler;

  constructor(options: VirtualRuntimeOptions = {}) {
    this.pollCostMs = options.pollCostMs ?? 0;
    if (!(this.pollCostMs >= 0)) throw new RangeError(`pollCostMs must be >= 0, got ${options.pollCostMs}`);
    this.onDetachedError = options.onDetachedError ?? ((error) => this.failures.push(error));
  }

  now(): number {
    return this.timers.now();
  }

  spawn<T>(work: Future<T> | Co<T>, options?: SpawnOptions): JoinHandle<T> {
    const task = createTask(this.nextId++, work, this, options);
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
          runTask(task, this.onDetachedError);
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

  /** Run until `handle` finishes, then return its value (or throw its error, unwrapped). */
  runToCompletion<T>(handle: JoinHandle<T>, limitMs = Number.MAX_SAFE_INTEGER): T {
    this.runUntil(limitMs, () => handle.finished);
    return takeOutcome(
      handle,
      () =>
        `virtual runtime: task not finished (t=${this.now()} ms; runnable ` +
        `${this.queue.length - this.head}, timers ${this.timers.size})`,
    );
  }

  /** Spawn `work`, run until it finishes, return its value — synchronously, like `SimRuntime.blockOn`. */
  blockOn<T>(work: Future<T> | Co<T>, limitMs?: number): T {
    return this.runToCompletion(this.spawn(work), limitMs);
  }

  /** Tasks not yet ended. */
  get liveTasks(): number {
    return this.live;
  }

  /** Detached failures seen (a test asserts it is empty). */
  get detachedFailures(): readonly unknown[] {
    return this.failures;
  }

  /** Driver-facing: TaskScheduler */
  schedule(task: Task<unknown>): void {
    this.queue.push(task);
  }
  /** Driver-facing: TaskScheduler */
  taskEnded(): void {
    this.live--;
  }
  /** Driver-facing: TaskScheduler */
  detachedTaskFailed(task: Task<unknown>, error: unknown): void {
    reportDetached(this.onDetachedError, error, task);
  }
}
