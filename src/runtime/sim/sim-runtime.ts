/**
 * The sim driver: N virtual worker loops, a virtual clock and a seeded RNG. Runs the
 * real `Task`s and futures of this library — only time is simulated.
 *
 * How a run proceeds (`run`):
 * 1. The agenda (EventHeap) holds "worker w is free at time t" and external events
 *    (`at`); the timer heap holds sleeps. The earliest of the two goes next; timers win
 *    ties, so a sleep due at t is ready for a worker that frees up at t.
 * 2. A free worker asks the policy for a task. None: it parks (no agenda entry).
 *    A task: it is polled *now*, for real; its cost is what the poll declared with
 *    `burn`/`block` (cost.ts), or `simDefaultPollCostMs`. The worker is free again
 *    at now + cost.
 * 3. A push (spawn, wake) unparks one parked worker the policy says can serve the
 *    task, at the virtual moment of the push.
 * 4. The run ends when agenda and timers are empty (or at `untilMs`).
 *
 * Determinism: the only inputs are the seed, the spawned futures and (time, sequence)
 * order of the agenda; no real clock, no Map iteration over objects, no Math.random.
 *
 * Scale: per poll the driver does O(log workers) agenda work plus what the policy
 * does; there is no per-step scan of tasks. Task bookkeeping is indexed by task id
 * in typed arrays.
 *
 * Causality: a poll runs atomically in real time but lasts `cost` in virtual time, so
 * a push it makes (spawn, wake) is *deferred* to the virtual moment it happened —
 * poll start + the cost declared before it — through the agenda. A task that woke
 * itself is re-queued at the poll's end. Without this, another worker could take a
 * self-woken task while its own poll was still running in virtual time (a task
 * polled twice at once), or react to a spawn before it happened (rejected: applying
 * pushes at once — simpler, and wrong for exactly those cases).
 */
import type { Future, TimerEntry, Timers } from "../../futures/poll.js";
import { GeneratorFuture, type Co } from "../../futures/generator-future.js";
import { noopWaker, PENDING, type Poll } from "../../futures/poll.js";
import { DEFAULT_SCHEDULER_CONFIG, type SchedulerConfig } from "../config.js";
import { setCostSink, type CostSink } from "../cost.js";
import { enterRuntime, type Spawner } from "../current.js";
import { createPolicy } from "../policy/index.js";
import { WorkerLayout, type AnyTask, type PolicyName, type QueueSpec, type SchedulingPolicy } from "../policy/policy.js";
import { seededRandom } from "../rng.js";
import { RunCounters, type SchedulerReport } from "../scheduler-report.js";
import { JoinError, Task, type JoinHandle, type SpawnOptions, type TaskScheduler } from "../task.js";
import { TimerHeap } from "../timer-heap.js";
import { TraceRecorder } from "../trace.js";
import { EventHeap } from "./event-heap.js";

const YIELD = 1;
const SPAWN = 2;

export interface MultiQueueOptions {
  /** Queues in priority order with their worker loops (default: one queue `main`, 1 worker). */
  queues?: QueueSpec[];
  policy?: PolicyName;
  seed?: number;
  /** Overrides of the tuning numbers (tests shrink them). */
  config?: Partial<SchedulerConfig>;
  /** Record a trace (see trace.ts). */
  trace?: boolean;
  /** Called when a detached task fails (default: one line on stderr). */
  onDetachedError?: (error: unknown, task: JoinHandle<unknown>) => void;
}

/** The virtual clock, as `sleep()` and `timeout()` see it. */
class SimClock implements Timers {
  readonly heap = new TimerHeap();
  constructor(private readonly runtime: SimRuntime) {}
  now(): number {
    return this.runtime.clockNow();
  }
  register(entry: TimerEntry): void {
    this.heap.push(entry);
  }
  cancel(entry: TimerEntry): void {
    this.heap.remove(entry);
  }
}

export class SimRuntime implements TaskScheduler, Spawner {
  readonly timers: SimClock;
  readonly layout: WorkerLayout;
  readonly policy: SchedulingPolicy;
  readonly config: SchedulerConfig;
  readonly trace: TraceRecorder | null;
  private readonly agenda = new EventHeap();
  private readonly external: ((() => void) | undefined)[] = [];
  /** Deferred pushes by slot (agenda payload = workers + slot); free slots are reused. */
  private readonly deferredTask: (AnyTask | null)[] = [];
  private readonly deferredOrigin: number[] = [];
  private readonly deferredFlags: number[] = [];
  private readonly freeSlots: number[] = [];
  private readonly parked: number[] = [];
  private readonly onDetachedError: (error: unknown, task: JoinHandle<unknown>) => void;
  private spawnedAt = new Float64Array(1024);
  private now = 0;
  /** Worker whose poll is running, -1 outside polls. */
  private worker = -1;
  private task: AnyTask | null = null;
  /** Virtual ms declared so far by the running poll. */
  private pollCost = 0;
  private nextId = 1;
  private readonly counters: RunCounters;

  constructor(options: MultiQueueOptions = {}) {
    this.layout = new WorkerLayout(options.queues ?? [{ name: "main", workers: 1 }]);
    this.config = { ...DEFAULT_SCHEDULER_CONFIG, ...options.config };
    this.policy = createPolicy(options.policy ?? "work-stealing", { layout: this.layout, config: this.config, rng: seededRandom(options.seed ?? 1) });
    this.timers = new SimClock(this);
    this.counters = new RunCounters(this.layout.queues.length);
    // Every worker starts parked; the first push unparks them as work arrives.
    for (let w = this.layout.workers - 1; w >= 0; w--) this.parked.push(w);
    this.trace = options.trace === true ? new TraceRecorder(workerNames(this.layout)) : null;
    if (this.trace !== null) {
      const trace = this.trace;
      this.policy.onSteal = (thief, victim, n) => trace.record(this.clockNow(), "steal", thief, 0, victim, n);
    }
    this.onDetachedError =
      options.onDetachedError ??
      ((error, task) => process.stderr.write(`async-lab: detached task ${task.id} failed: ${error instanceof Error ? error.message : String(error)}\n`));
  }

  /** Virtual now, including the cost the running poll has declared so far. */
  clockNow(): number {
    return this.now + this.pollCost;
  }

  spawn<T>(work: Future<T> | Co<T>, options?: SpawnOptions): JoinHandle<T> {
    const future: Future<T> = typeof (work as Future<T>).poll === "function" ? (work as Future<T>) : new GeneratorFuture(work as Co<T>);
    const id = this.nextId++;
    const task = new Task<T>(id, future, this);
    task.queue = options?.priority === undefined ? this.layout.queues.length - 1 : this.layout.queueIndex(options.priority);
    const t = this.clockNow();
    if (options?.name !== undefined) {
      task.name = options.name;
      this.trace?.taskNames.set(id, options.name);
    }
    if (id >= this.spawnedAt.length) {
      const grown = new Float64Array(this.spawnedAt.length * 2);
      grown.set(this.spawnedAt);
      this.spawnedAt = grown;
    }
    this.spawnedAt[id] = t;
    this.counters.taskSpawned(t);
    this.push(task as AnyTask, false, SPAWN);
    return task;
  }

  /** Run `fn` at virtual time `t` (ms), outside any worker — e.g. a request arriving. */
  at(t: number, fn: () => void): void {
    const index = this.external.length;
    this.external.push(fn);
    this.agenda.push(Math.max(t, this.now), -1 - index);
  }

  /** Spawn `work`, run until everything is done (or `untilMs`), return its value. */
  blockOn<T>(work: Future<T> | Co<T>, untilMs = Infinity): T {
    const handle = this.spawn(work);
    this.run(untilMs);
    let out: Poll<T>;
    try {
      out = handle.poll({ waker: noopWaker });
    } catch (error) {
      // Like LiveRuntime.blockOn: the future's own error, not the JoinError around it.
      throw error instanceof JoinError && error.kind === "failed" && error.cause !== undefined ? error.cause : error;
    }
    if (out === PENDING) throw new Error(`blockOn: the task did not finish by virtual ${this.now} ms (waiting on something that never came?)`);
    return out;
  }

  /** Process events until none are left or the next is later than `untilMs`. */
  run(untilMs = Infinity): SchedulerReport {
    const previousSink = setCostSink(this.declareCost);
    try {
      enterRuntime(this, () => this.loop(untilMs));
    } finally {
      setCostSink(previousSink);
    }
    return this.report();
  }

  /** TaskScheduler: a woken task (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  schedule(task: Task<any>): void {
    this.push(task as AnyTask, task === this.task, 0);
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  taskEnded(task: Task<any>): void {
    const t = this.clockNow();
    this.counters.taskEnded(task.queue, t, this.spawnedAt[task.id]!);
    this.trace?.record(t, "end", this.worker, task.id, task.queue, 0);
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  detachedTaskFailed(task: Task<any>, error: unknown): void {
    this.onDetachedError(error, task);
  }

  report(): SchedulerReport {
    return this.counters.report(this.policy, this.layout);
  }


  private readonly declareCost: CostSink = (ms) => {
    if (this.worker < 0) throw new Error("burn()/block() under the sim driver must be called inside a task's poll");
    this.pollCost += ms;
  };

  /**
   * A task became ready. Inside a poll the push is deferred to the virtual moment it
   * happened (see the module doc); outside, it applies now.
   */
  private push(task: AnyTask, isYield: boolean, flags: number): void {
    const origin = this.worker;
    if (origin >= 0) {
      const at = isYield ? this.now + (this.pollCost > 0 ? this.pollCost : this.config.simDefaultPollCostMs) : this.now + this.pollCost;
      if (at > this.now) {
        const slot = this.freeSlots.length > 0 ? this.freeSlots.pop()! : this.deferredTask.length;
        this.deferredTask[slot] = task;
        this.deferredOrigin[slot] = origin;
        this.deferredFlags[slot] = flags | (isYield ? YIELD : 0);
        this.agenda.push(at, this.layout.workers + slot);
        return;
      }
    }
    this.apply(task, origin, flags | (isYield ? YIELD : 0));
  }

  private apply(task: AnyTask, origin: number, flags: number): void {
    const policy = this.policy;
    const now = this.clockNow();
    this.trace?.record(now, (flags & SPAWN) !== 0 ? "spawn" : "wake", origin, task.id, task.queue, 0);
    policy.push(task, origin, (flags & YIELD) !== 0, now);
    this.counters.queueDepth(policy.size);
    if (this.parked.length > 0) this.unparkFor(task.queue);
  }

  private applyDeferred(slot: number): void {
    const task = this.deferredTask[slot]!;
    this.deferredTask[slot] = null;
    this.freeSlots.push(slot);
    this.apply(task, this.deferredOrigin[slot]!, this.deferredFlags[slot]!);
  }

  /** Wake one parked worker that may take a task of `queue` (latest parked first). */
  private unparkFor(queue: number): void {
    const parked = this.parked;
    for (let i = parked.length - 1; i >= 0; i--) {
      const w = parked[i]!;
      if (!this.policy.canServe(w, queue)) continue;
      parked[i] = parked[parked.length - 1]!;
      parked.pop();
      this.agenda.push(this.clockNow(), w);
      return;
    }
  }

  private loop(untilMs: number): void {
    const agenda = this.agenda;
    const timerHeap = this.timers.heap;
    for (;;) {
      const nextTimer = timerHeap.peek();
      const timerAt = nextTimer === undefined ? Infinity : nextTimer.deadline;
      const eventAt = agenda.peekTime();
      const at = timerAt <= eventAt ? timerAt : eventAt;
      if (at === Infinity || at > untilMs) break;
      if (at > this.now) this.now = at;
      if (timerAt <= eventAt) {
        // Fire every timer due now; their wakes push from outside any worker.
        for (let e = timerHeap.peek(); e !== undefined && e.deadline <= this.now; e = timerHeap.peek()) {
          timerHeap.pop();
          e.waker?.wake();
        }
        continue;
      }
      const payload = agenda.pop();
      if (payload >= this.layout.workers) this.applyDeferred(payload - this.layout.workers);
      else if (payload >= 0) this.runWorker(payload);
      else {
        const fn = this.external[-1 - payload]!;
        this.external[-1 - payload] = undefined;
        fn();
      }
    }
    if (untilMs !== Infinity && untilMs > this.now) this.now = untilMs;
  }

  private runWorker(w: number): void {
    const policy = this.policy;
    const trace = this.trace;
    for (;;) {
      const task = policy.pop(w, this.now);
      if (task === undefined) {
        this.parked.push(w);
        trace?.record(this.now, "idle", w, 0, -1, 0);
        return;
      }
      if (!task.isScheduled) {
        // Cancelled while it waited: nothing to poll, no time spent.
        trace?.record(this.now, "skip", w, task.id, task.queue, 0);
        continue;
      }
      trace?.record(this.now, "poll-start", w, task.id, task.queue, 0);
      this.worker = w;
      this.task = task;
      this.pollCost = 0;
      task.run();
      const cost = this.pollCost > 0 ? this.pollCost : this.config.simDefaultPollCostMs;
      this.pollCost = 0;
      this.worker = -1;
      this.task = null;
      this.counters.polled(cost);
      const end = this.now + cost;
      trace?.record(end, "poll-end", w, task.id, task.queue, task.finished ? 1 : 0);
      this.agenda.push(end, w);
      return;
    }
  }
}

export function workerNames(layout: WorkerLayout): string[] {
  const names: string[] = [];
  for (let w = 0; w < layout.workers; w++) names.push(`${layout.queues[layout.homeQueue[w]!]!.name}-${w}`);
  return names;
}
