/**
 * The live driver: polls tasks on the main thread, in real time, taking turns with
 * Node's event loop.
 *
 * Invariants:
 * 1. Who pushes: only `schedule` (a task's IDLE → SCHEDULED wake, or `spawn`).
 *    Who pops: only `drain`. A task is in the queue at most once (task.ts).
 * 2. The drains of one macrotask turn share one budget of `pollBudget` polls and
 *    `timeSliceMs` of wall time (turn-budget.ts) — also the drains that microtasks
 *    start. Once it is spent, work that remains continues in a `setImmediate`, which
 *    Node runs only after its timers and I/O callbacks. So a future that wakes
 *    itself forever (the book's `CounterFuture`), from a drain or from a microtask,
 *    costs CPU but never starves a `setTimeout` or a socket.
 * 3. A drain is requested at most once at a time (`drainPending`). A wake from
 *    outside any drain (a timer, a resolved promise, a socket event) requests one
 *    with `queueMicrotask`, so it runs as soon as the current callback returns.
 * 5. No throw ends a drain (driver-kit.ts, rule 3): the flags are right after every
 *    poll, whatever it threw.
 * 4. Nothing is held when nothing is left: no immediate is pending once the queue
 *    is empty, and the timers hold a Node timer only while a sleep is registered.
 *    A runtime with no runnable and no sleeping task lets the process exit.
 */
import type { Future } from "../futures/poll.js";
import type { Co } from "../futures/generator-future.js";
import { POLL_BUDGET_PER_TURN, TIME_SLICE_MS } from "./config.js";
import { enterRuntime, setDefaultRuntimeFactory, type Spawner } from "./current.js";
import {
  createTask,
  outcomeAsPromise,
  reportDetached,
  reportToStderr,
  type DetachedErrorHandler,
} from "./driver-kit.js";
import { LiveTimers } from "./live-timers.js";
import type { RunQueue } from "./run-queue.js";
import { TaskQueue } from "./task-queue.js";
import type { JoinHandle, SpawnOptions, Task, TaskScheduler } from "./task.js";
import { TurnBudget } from "./turn-budget.js";

export interface LiveRuntimeOptions {
  /** Polls per event-loop turn before yielding to Node (default {@link POLL_BUDGET_PER_TURN}). */
  pollBudget?: number;
  /** Wall-clock ms per turn before yielding to Node (default {@link TIME_SLICE_MS}). */
  timeSliceMs?: number;
  /** The run queue (default: a FIFO linked through the tasks, task-queue.ts). */
  queue?: RunQueue<Task<unknown>>;
  /** Called when a detached task fails (default: one line on stderr). */
  onDetachedError?: DetachedErrorHandler;
}

/** Counters a runtime keeps as it goes (cheap enough to be always on). */
export interface RuntimeStats {
  spawned: number;
  polls: number;
  /** Event-loop turns the driver took (setImmediate hops after an exhausted budget count too). */
  turns: number;
  /** Tasks not yet ended. */
  live: number;
}

export class LiveRuntime implements TaskScheduler, Spawner {
  readonly timers = new LiveTimers();
  // Counters live as plain fields (not a `stats` object) so the spawn path bumps a
  // field of `this` rather than loading another object first; `stats` snapshots them.
  private spawned = 0;
  private ended = 0;
  private polls = 0;
  private turns = 0;
  private readonly queue: RunQueue<Task<unknown>>;
  private readonly budget: TurnBudget;
  private readonly onDetachedError: DetachedErrorHandler;
  private drainPending = false;
  private draining = false;

  constructor(options: LiveRuntimeOptions = {}) {
    this.queue = options.queue ?? new TaskQueue();
    const pollBudget = options.pollBudget ?? POLL_BUDGET_PER_TURN;
    const timeSliceMs = options.timeSliceMs ?? TIME_SLICE_MS;
    if (!(pollBudget >= 1)) throw new RangeError(`pollBudget must be >= 1, got ${options.pollBudget}`);
    if (!(timeSliceMs > 0)) throw new RangeError(`timeSliceMs must be > 0, got ${options.timeSliceMs}`);
    this.budget = new TurnBudget(pollBudget, timeSliceMs);
    this.onDetachedError = options.onDetachedError ?? reportToStderr;
  }

  /** Wrap `work` (a future or a generator) in a task and schedule it. */
  spawn<T>(work: Future<T> | Co<T>, options?: SpawnOptions): JoinHandle<T> {
    const task = createTask(++this.spawned, work, this, options);
    this.schedule(task as Task<unknown>);
    return task;
  }

  /** Spawn `work` and resolve with its value (reject with its error, unwrapped: driver-kit.ts). */
  blockOn<T>(work: Future<T> | Co<T>): Promise<T> {
    return outcomeAsPromise(this.spawn(work));
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  schedule(task: Task<unknown>): void {
    this.queue.push(task);
    if (!this.drainPending && !this.draining) {
      this.drainPending = true;
      queueMicrotask(this.drain);
    }
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  taskEnded(): void {
    this.ended++;
  }

  /** A snapshot of the runtime's counters. */
  get stats(): RuntimeStats {
    return { spawned: this.spawned, polls: this.polls, turns: this.turns, live: this.spawned - this.ended };
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  detachedTaskFailed(task: Task<unknown>, error: unknown): void {
    reportDetached(this.onDetachedError, error, task);
  }

  /** Number of tasks waiting in the run queue. */
  get queued(): number {
    return this.queue.size;
  }

  private readonly drain = (): void => {
    this.drainPending = false;
    const turn = this.budget;
    if (!turn.isOpen) turn.open();
    else if (turn.pollsLeft <= 0) {
      // This turn's budget is spent (by earlier drains, maybe started from microtasks).
      this.handBack();
      return;
    }
    this.draining = true;
    this.turns++;
    let polls = 0;
    try {
      polls = enterRuntime(this, this.runBatch);
    } finally {
      this.draining = false;
      this.polls += polls;
    }
    if (this.queue.size > 0 && !this.drainPending) this.handBack();
  };

  /** Continue after Node's timers and I/O: in the immediate that closes this turn. */
  private handBack(): void {
    this.drainPending = true;
    this.budget.afterTurn(this.drain);
  }

  private readonly runBatch = (): number => {
    const queue = this.queue;
    const turn = this.budget;
    const budget = turn.pollsLeft;
    const report = this.onDetachedError;
    let untilClockCheck = turn.untilClockCheck;
    let polls = 0;
    queue.startBatch?.();
    while (polls < budget) {
      const task = queue.pop();
      if (task === undefined) break;
      polls++;
      // driver-kit.ts rule 3 (what `runTask` does), written out in the loop: with the
      // wrapper, V8's inlining trace (--trace-turbo-inlining) showed it compiled on its
      // own with the poll inlined into it, not into this loop — one more call per poll.
      try {
        task.run();
      } catch (error) {
        reportDetached(report, error, task);
      }
      if (--untilClockCheck === 0) {
        untilClockCheck = turn.clockCheck(polls);
        if (untilClockCheck === 0) return polls; // the slice is over: the turn is exhausted
      }
    }
    turn.spend(polls, untilClockCheck);
    return polls;
  };
}

let defaultRuntime: LiveRuntime | null = null;

/** The process-wide live runtime that `spawn()` and `blockOn()` use outside any task. */
export function getDefaultRuntime(): LiveRuntime {
  if (defaultRuntime === null) defaultRuntime = new LiveRuntime();
  return defaultRuntime;
}

setDefaultRuntimeFactory(getDefaultRuntime);
