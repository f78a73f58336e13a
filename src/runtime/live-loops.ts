/**
 * The live multi-queue driver: the same queues, policies and traces as the sim
 * driver, in real time, on the main thread.
 *
 * Its N worker loops are *logical*: one thread takes them in turn, round-robin, one
 * poll each per round. So a poll that blocks (`block(ms)`, the book's
 * `thread::sleep`) blocks every loop, and the trace shows it — the lesson of the book's
 * chapter 3 note that blocking polls only overlap on real threads (the `threads`
 * driver's job). What does carry over from the sim: which loop takes which task, in
 * which order, under each policy.
 *
 * Invariants (as LiveRuntime's, which stays the fast single-queue executor):
 * 1. The drains of one macrotask turn — microtask-started ones too — share one budget
 *    of polls and wall time (turn-budget.ts); once it is spent, work continues in a
 *    `setImmediate`, after Node's timers and I/O.
 * 2. A drain is requested at most once at a time; a push from outside a drain requests
 *    one with `queueMicrotask`. No throw ends a drain (driver-kit.ts, rule 3).
 * 3. `run()` resolves once no task is alive and no `at` callback is pending, or at
 *    `untilMs`; after that no timer or immediate of ours is left (the process can exit).
 */
import type { Future } from "../futures/poll.js";
import type { Co } from "../futures/generator-future.js";
import {
  CLOCK_CHECK_EVERY,
  DEFAULT_SCHEDULER_CONFIG,
  POLL_BUDGET_PER_TURN,
  TIME_SLICE_MS,
  type SchedulerConfig,
} from "./config.js";
import { enterRuntime, type Spawner } from "./current.js";
import {
  createTask,
  outcomeAsPromise,
  reportDetached,
  reportToStderr,
  runTask,
  type DetachedErrorHandler,
} from "./driver-kit.js";
import { hostTimeout, type HostTimeout } from "./host-timeout.js";
import { LiveTimers } from "./live-timers.js";
import { createPolicy } from "./policy/index.js";
import { WorkerLayout, type AnyTask, type SchedulingPolicy } from "./policy/policy.js";
import { seededRandom } from "./rng.js";
import { RunCounters, type SchedulerReport } from "./scheduler-report.js";
import { workerNames, type MultiQueueOptions } from "./sim/sim-runtime.js";
import type { JoinHandle, SpawnOptions, Task, TaskScheduler } from "./task.js";
import { TraceRecorder } from "./trace.js";
import { TurnBudget } from "./turn-budget.js";

export class LiveLoopsRuntime implements TaskScheduler, Spawner {
  readonly timers = new LiveTimers();
  readonly layout: WorkerLayout;
  readonly policy: SchedulingPolicy;
  readonly config: SchedulerConfig;
  readonly trace: TraceRecorder | null;
  private readonly origin = performance.now();
  private readonly spawnedAt = new Map<number, number>();
  private readonly onDetachedError: DetachedErrorHandler;
  private readonly budget = new TurnBudget(POLL_BUDGET_PER_TURN, TIME_SLICE_MS);
  /** `at` callbacks not run yet (host timeouts: an `at` 30 days out must not run after 1 ms). */
  private readonly externals = new Set<HostTimeout>();
  private worker = -1;
  private task: AnyTask | null = null;
  private nextWorker = 0;
  private nextId = 1;
  private readonly counters: RunCounters;
  private drainPending = false;
  private draining = false;
  private settle: (() => void) | null = null;

  constructor(options: MultiQueueOptions = {}) {
    this.layout = new WorkerLayout(options.queues ?? [{ name: "main", workers: 1 }]);
    this.config = { ...DEFAULT_SCHEDULER_CONFIG, ...options.config };
    this.policy = createPolicy(options.policy ?? "work-stealing", {
      layout: this.layout,
      config: this.config,
      rng: seededRandom(options.seed ?? 1),
    });
    this.counters = new RunCounters(this.layout.queues.length);
    this.trace = options.trace === true ? new TraceRecorder(workerNames(this.layout)) : null;
    if (this.trace !== null) {
      const trace = this.trace;
      this.policy.onSteal = (thief, victim, n) => trace.record(this.now(), "steal", thief, 0, victim, n);
    }
    this.onDetachedError = options.onDetachedError ?? reportToStderr;
  }

  /** ms since this runtime was created (trace times start near 0, like the sim's). */
  private now(): number {
    return performance.now() - this.origin;
  }

  /** The clock traces use: ms since this runtime was created (SimRuntime has the same method). */
  clockNow(): number {
    return this.now();
  }

  spawn<T>(work: Future<T> | Co<T>, options?: SpawnOptions): JoinHandle<T> {
    const id = this.nextId++;
    const task = createTask(id, work, this, options);
    task.queue =
      options?.priority === undefined ? this.layout.queues.length - 1 : this.layout.queueIndex(options.priority);
    if (options?.name !== undefined) this.trace?.taskNames.set(id, options.name);
    const t = this.now();
    this.spawnedAt.set(id, t);
    this.counters.taskSpawned(t);
    this.push(task as AnyTask, false, "spawn");
    return task;
  }

  /** Run `fn` `t` ms after this runtime was created, outside any worker. */
  at(t: number, fn: () => void): void {
    const handle = hostTimeout(() => {
      this.externals.delete(handle);
      enterRuntime(this, fn);
      this.checkSettled();
    }, t - this.now());
    this.externals.add(handle);
  }

  /** Resolve once every task ended and every `at` ran (or at `untilMs`, cancelling what is left of `at`). */
  run(untilMs = Infinity): Promise<SchedulerReport> {
    return new Promise<SchedulerReport>((resolve) => {
      let stop: HostTimeout | null = null;
      this.settle = () => {
        this.settle = null;
        stop?.clear();
        resolve(this.report());
      };
      if (untilMs !== Infinity) {
        stop = hostTimeout(() => {
          for (const h of this.externals) h.clear();
          this.externals.clear();
          this.settle?.();
        }, untilMs - this.now());
      }
      this.checkSettled();
    });
  }

  /** Spawn `work` and resolve with its value (reject with its own error: driver-kit.ts). */
  blockOn<T>(work: Future<T> | Co<T>): Promise<T> {
    return outcomeAsPromise(this.spawn(work));
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  schedule(task: Task<any>): void {
    this.push(task as AnyTask, task === this.task, "wake");
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  taskEnded(task: Task<any>): void {
    const t = this.now();
    this.counters.taskEnded(task.queue, t, this.spawnedAt.get(task.id) ?? t);
    this.spawnedAt.delete(task.id);
    this.trace?.record(t, "end", this.worker, task.id, task.queue, 0);
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  detachedTaskFailed(task: Task<any>, error: unknown): void {
    reportDetached(this.onDetachedError, error, task);
  }

  report(): SchedulerReport {
    return this.counters.report(this.policy, this.layout);
  }

  private push(task: AnyTask, isYield: boolean, kind: "spawn" | "wake"): void {
    const now = this.now();
    this.trace?.record(now, kind, this.worker, task.id, task.queue, 0);
    this.policy.push(task, this.worker, isYield, now);
    this.counters.queueDepth(this.policy.size);
    if (!this.drainPending && !this.draining) {
      this.drainPending = true;
      queueMicrotask(this.drain);
    }
  }

  private checkSettled(): void {
    if (this.settle !== null && this.counters.spawned === this.counters.ended && this.externals.size === 0)
      this.settle();
  }

  private readonly drain = (): void => {
    this.drainPending = false;
    if (this.budget.enter(performance.now())) {
      this.draining = true;
      try {
        enterRuntime(this, this.runBatch);
      } finally {
        this.draining = false;
      }
    }
    if (this.policy.size > 0 && !this.drainPending) {
      // The turn's budget is spent (by this drain or by earlier ones): continue after Node's timers and I/O.
      this.drainPending = true;
      this.budget.afterTurn(this.drain);
    }
    this.checkSettled();
  };

  /** Round-robin over the loops, one poll each, until none finds work or the turn is used up. */
  private readonly runBatch = (): void => {
    const workers = this.layout.workers;
    const turn = this.budget;
    const budget = turn.pollsLeft;
    const endOfSlice = turn.endOfSlice;
    const report = this.onDetachedError;
    let polls = 0;
    let idleInARow = 0;
    while (polls < budget && idleInARow < workers) {
      const w = this.nextWorker;
      this.nextWorker = (w + 1) % workers;
      const task = this.policy.pop(w, this.now());
      if (task === undefined) {
        idleInARow++;
        continue;
      }
      idleInARow = 0;
      if (!task.isScheduled) {
        this.trace?.record(this.now(), "skip", w, task.id, task.queue, 0);
        continue;
      }
      const start = this.now();
      this.trace?.record(start, "poll-start", w, task.id, task.queue, 0);
      this.worker = w;
      this.task = task;
      runTask(task, report);
      this.worker = -1;
      this.task = null;
      const end = this.now();
      this.trace?.record(end, "poll-end", w, task.id, task.queue, task.finished ? 1 : 0);
      this.counters.polled(end - start);
      polls++;
      // A blocking poll used up the slice by itself, or the slice ran out: let Node's timers run before the next.
      if (end - start >= TIME_SLICE_MS || (polls % CLOCK_CHECK_EVERY === 0 && performance.now() >= endOfSlice)) {
        turn.exhaust();
        return;
      }
    }
    turn.spend(polls);
  };
}
