/**
 * The sim driver: N virtual worker loops, a virtual clock and one seeded chooser. Runs
 * the real `Task`s and futures of this library — only time is simulated.
 *
 * The causality rule (checked on the trace for every policy, test/sim-causality):
 *   a task is never polled by two workers at once, and a wake that arrives before its
 *   current poll ends in virtual time re-queues it when that poll ends; so per task,
 *   the clock seen in successive polls never decreases.
 * A poll runs atomically in real time but lasts `cost` in virtual time. While it
 * "runs", timers fire, `at` callbacks run and other workers poll — any of them may
 * wake the task. The task's state machine only knows real time: the poll is over, so
 * the wake pushes it. Without the rule another worker would poll it at once, at an
 * earlier virtual time than the poll that is still running (seen: clocks
 * `[0, 2, 1]`). So `busyUntil[task]` remembers when the task's last poll ends, and a
 * push that comes earlier is deferred to that moment through the agenda.
 * Likewise a push made *inside* a poll (spawn, wake) is deferred to the virtual moment
 * it happened — poll start + the cost declared before it — and a task that woke itself
 * re-queues at its poll's end (rejected: applying pushes at once — simpler, and other
 * workers would react to a spawn before it happened).
 *
 * How a run proceeds (`run`), at each virtual instant in this order:
 * 1. Timers due now fire (the sleeps they end become ready before anyone looks).
 * 2. Agenda events due now apply: deferred pushes and `at` callbacks, in the order
 *    they were made.
 * 3. Workers free now look for work; a worker with none parks. A task is polled *now*,
 *    for real; its cost is what the poll declared with `burn`/`block` (cost.ts), or
 *    `simDefaultPollCostMs`, and the worker is free again at now + cost.
 * A push unparks one parked worker that may serve the task. The run ends when
 * nothing is left (or at `untilMs`).
 *
 * Choices: everything the rules above leave open goes through one `Chooser`
 * (rng.ts) — which of several timers due at the same instant fires first, which of
 * several workers free at the same instant looks first, which parked worker a push
 * unparks, the steal victim (work-stealing), which ready task a worker takes (only
 * with `anyReady`; the named policies fix that order by their rules), where a fair
 * `select` starts (`timers.choose`), and which waiter a `wakeOne` wakes for primitives
 * that pass `waiterChooser` (the FIFO ones — Mutex, Semaphore, mpsc — promise an
 * order, so they have no choice to offer). Not routed: `timers.random()`, a float
 * stream seeded from `seed` for futures that want one (none in this library does now
 * that `select` uses `choose`). The default chooser
 * draws from `seed`; `lab explore` passes one that records or replays decisions, so a
 * run is fully described by its decision list.
 *
 * Determinism: the only inputs are the chooser, the spawned futures and the
 * (time, sequence) order of the agenda; no real clock, no Math.random.
 *
 * Scale: per poll the driver does O(log workers) agenda work plus what the policy
 * does; there is no per-step scan of tasks. Task bookkeeping is indexed by task id
 * in typed arrays.
 */
import type { Future, TimerEntry } from "../../futures/poll.js";
import type { Co } from "../../futures/generator-future.js";
import type { WaiterChooser } from "../../futures/waiter-list.js";
import { DEFAULT_SCHEDULER_CONFIG, type SchedulerConfig } from "../config.js";
import { setCostSink, type CostSink } from "../cost.js";
import { enterRuntime, type Spawner } from "../current.js";
import { createTask, reportDetached, reportToStderr, takeOutcome, type DetachedErrorHandler } from "../driver-kit.js";
import { AnyReadyPolicy } from "../policy/any-ready.js";
import { createPolicy } from "../policy/index.js";
import { WorkerLayout, type AnyTask, type PolicyContext, type SchedulingPolicy } from "../policy/policy.js";
import { randomChooser, seededRandom, type Chooser } from "../rng.js";
import { RunCounters, type SchedulerReport } from "../scheduler-report.js";
import type { JoinHandle, SpawnOptions, Task, TaskScheduler } from "../task.js";
import { TraceRecorder } from "../trace.js";
import { DeferredPushes } from "./deferred-pushes.js";
import { EventHeap } from "../event-heap.js";
import { SimClock } from "./sim-clock.js";
import { workerNames, type MultiQueueOptions, type SimObserver } from "./sim-options.js";

export { workerNames, type MultiQueueOptions, type SimObserver } from "./sim-options.js";

const YIELD = 1;
const SPAWN = 2;

export class SimRuntime implements TaskScheduler, Spawner {
  readonly timers: SimClock;
  readonly layout: WorkerLayout;
  readonly policy: SchedulingPolicy;
  readonly config: SchedulerConfig;
  readonly trace: TraceRecorder | null;
  /** Deferred pushes and `at` callbacks (payload: slot, or -1 - external index). */
  private readonly agenda = new EventHeap();
  /** "Worker w is free at t" (payload: w). Apart from the agenda, so ties are chosen. */
  private readonly free = new EventHeap();
  private readonly choices: Chooser;
  private readonly observer: SimObserver | null;
  private readonly ties: number[] = [];
  private readonly external: ((() => void) | undefined)[] = [];
  /** Deferred pushes by slot (agenda payload = slot). */
  private readonly deferred = new DeferredPushes();
  private readonly parked: number[] = [];
  private readonly onDetachedError: DetachedErrorHandler;
  private spawnedAt = new Float64Array(1024);
  /** Virtual end of each task's last poll (the causality rule). */
  private busyUntil = new Float64Array(1024);
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
    const rng = seededRandom(options.seed ?? 1);
    const chooser = options.chooser ?? randomChooser(rng);
    this.choices = { choose: (kind, n, ids, continuing) => (n < 2 ? 0 : chooser.choose(kind, n, ids, continuing)) };
    this.observer = options.observer ?? null;
    const context: PolicyContext = { layout: this.layout, config: this.config, rng, chooser: this.choices };
    this.policy =
      options.anyReady === true
        ? new AnyReadyPolicy(context)
        : createPolicy(options.policy ?? "work-stealing", context);
    this.timers = new SimClock(() => this.clockNow(), options.seed ?? 1, this.choices);
    this.counters = new RunCounters(this.layout.queues.length);
    // Every worker starts parked; the first push unparks them as work arrives.
    for (let w = this.layout.workers - 1; w >= 0; w--) this.parked.push(w);
    this.trace = options.trace === true ? new TraceRecorder(workerNames(this.layout)) : null;
    if (this.trace !== null) {
      const trace = this.trace;
      this.policy.onSteal = (thief, victim, n) => trace.record(this.clockNow(), "steal", thief, 0, victim, n);
    }
    this.onDetachedError = options.onDetachedError ?? reportToStderr;
  }

  /** For primitives whose `wakeOne` may pick any waiter: the pick goes through the chooser. */
  readonly waiterChooser: WaiterChooser = (count) => this.choices.choose("waiter", count);

  /** Virtual now, including the cost the running poll has declared so far. */
  clockNow(): number {
    return this.now + this.pollCost;
  }

  spawn<T>(work: Future<T> | Co<T>, options?: SpawnOptions): JoinHandle<T> {
    const id = this.nextId++;
    const task = createTask(id, work, this, options);
    task.queue =
      options?.priority === undefined ? this.layout.queues.length - 1 : this.layout.queueIndex(options.priority);
    const t = this.clockNow();
    if (options?.name !== undefined) this.trace?.taskNames.set(id, options.name);
    if (id >= this.spawnedAt.length) {
      const grown = new Float64Array(this.spawnedAt.length * 2);
      grown.set(this.spawnedAt);
      this.spawnedAt = grown;
      const busy = new Float64Array(grown.length);
      busy.set(this.busyUntil);
      this.busyUntil = busy;
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
    return takeOutcome(
      handle,
      () => `blockOn: the task did not finish by virtual ${this.now} ms (waiting on something that never came?)`,
    );
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

  /** TaskScheduler: a woken task (called by tasks, not by users; kept in the declarations, which must show the
   * interface whole). */
  schedule(task: Task<any>): void {
    this.push(task as AnyTask, task === this.task, 0);
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  taskEnded(task: Task<any>): void {
    const t = this.clockNow();
    this.counters.taskEnded(task.queue, t, this.spawnedAt[task.id]!);
    this.trace?.record(t, "end", this.worker, task.id, task.queue, 0);
    this.observer?.taskEnded?.(task);
  }

  /** TaskScheduler (called by tasks, not by users; kept in the declarations, which must show the interface whole). */
  detachedTaskFailed(task: Task<any>, error: unknown): void {
    reportDetached(this.onDetachedError, error, task);
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
      const at = isYield
        ? this.now + (this.pollCost > 0 ? this.pollCost : this.config.simDefaultPollCostMs)
        : this.now + this.pollCost;
      if (at > this.now) return this.defer(at, task, origin, flags | (isYield ? YIELD : 0));
    }
    this.apply(task, origin, flags | (isYield ? YIELD : 0));
  }

  private defer(at: number, task: AnyTask, origin: number, flags: number): void {
    this.agenda.push(at, this.deferred.put(task, origin, flags));
  }

  private apply(task: AnyTask, origin: number, flags: number): void {
    const policy = this.policy;
    const now = this.clockNow();
    // The causality rule: the task's last poll is still running in virtual time.
    const busy = this.busyUntil[task.id]!;
    if (now < busy) return this.defer(busy, task, origin, flags);
    this.trace?.record(now, (flags & SPAWN) !== 0 ? "spawn" : "wake", origin, task.id, task.queue, 0);
    policy.push(task, origin, (flags & YIELD) !== 0, now);
    this.counters.queueDepth(policy.size);
    if (this.parked.length > 0) this.unparkFor(task.queue);
  }

  private applyDeferred(slot: number): void {
    const d = this.deferred;
    const task = d.take(slot);
    this.apply(task, d.origin[slot]!, d.flags[slot]!);
  }

  /** Wake one parked worker that may take a task of `queue` (the chooser picks which). */
  private unparkFor(queue: number): void {
    const parked = this.parked;
    let eligible = 0;
    for (let i = 0; i < parked.length; i++) if (this.policy.canServe(parked[i]!, queue)) eligible++;
    if (eligible === 0) return;
    let pick = this.choices.choose("unpark", eligible);
    for (let i = 0; i < parked.length; i++) {
      const w = parked[i]!;
      if (!this.policy.canServe(w, queue) || pick-- > 0) continue;
      parked[i] = parked[parked.length - 1]!;
      parked.pop();
      this.free.push(this.clockNow(), w);
      return;
    }
  }

  private loop(untilMs: number): void {
    const agenda = this.agenda;
    const free = this.free;
    const timerHeap = this.timers.heap;
    for (;;) {
      const nextTimer = timerHeap.peek();
      const timerAt = nextTimer === undefined ? Infinity : nextTimer.deadline;
      const eventAt = agenda.peekTime();
      const freeAt = free.peekTime();
      const at = Math.min(timerAt, eventAt, freeAt);
      if (at === Infinity || at > untilMs) break;
      if (at > this.now) this.now = at;
      if (timerAt === at) this.fireTimers();
      else if (eventAt === at) {
        const payload = agenda.pop();
        if (payload >= 0) this.applyDeferred(payload);
        else {
          const fn = this.external[-1 - payload]!;
          this.external[-1 - payload] = undefined;
          fn();
        }
      } else this.runWorker(this.nextFreeWorker(at));
    }
    if (untilMs !== Infinity && untilMs > this.now) this.now = untilMs;
  }

  /** Fire every timer due now, in the chooser's order; their wakes push from outside any worker. */
  private fireTimers(): void {
    const heap = this.timers.heap;
    const first = heap.pop()!;
    const next = heap.peek();
    if (next === undefined || next.deadline > this.now) return first.waker?.wake();
    const due: TimerEntry[] = [first];
    for (let e = heap.peek(); e !== undefined && e.deadline <= this.now; e = heap.peek()) due.push(heap.pop()!);
    // Pick from the remaining; the pick swaps to the front of them, so "always 0" keeps deadline order.
    for (let i = 0; i < due.length; i++) {
      const k = i + this.choices.choose("timer", due.length - i);
      const e = due[k]!;
      due[k] = due[i]!;
      e.waker?.wake();
    }
  }

  /** Pop the worker that looks for work next among those free at `at` (the chooser picks). */
  private nextFreeWorker(at: number): number {
    const free = this.free;
    const w = free.pop();
    if (free.peekTime() !== at) return w;
    const ties = this.ties;
    ties.length = 0;
    ties.push(w);
    while (free.peekTime() === at) ties.push(free.pop());
    const k = this.choices.choose("worker", ties.length);
    for (let i = 0; i < ties.length; i++) if (i !== k) free.push(at, ties[i]!);
    return ties[k]!;
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
      this.busyUntil[task.id] = end;
      trace?.record(end, "poll-end", w, task.id, task.queue, task.finished ? 1 : 0);
      this.free.push(end, w);
      this.observer?.afterPoll?.(task);
      return;
    }
  }
}
