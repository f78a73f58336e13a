/**
 * One worker thread's loop: find a task id, claim it, run it, report the result —
 * and park when there is nothing anywhere.
 *
 * Where work comes from, in order (the first that yields an id wins):
 *   1. pinned ids (submitted with `worker: i`; never in a shared deque, so never stolen);
 *   2. the own `high` deque, then the own `low` deque (owner pops, LIFO);
 *   3. the inbox, drained whole into the deques (so thieves can see those ids);
 *   4. stealing: from victims in a seeded-random rotation, half of a victim's `high`
 *      deque, else half of its `low` deque.
 * The inbox is drained before every task, not only when the deques are empty, so
 * freshly submitted work becomes stealable while this worker is busy elsewhere.
 *
 * Parking (no sleeping poll loop):
 *   1. store PARKED in the own parking word;
 *   2. look for work once more (inbox, own deques, every victim);
 *   3. if any: store RUNNING and go on; else `Atomics.wait(word, PARKED)`.
 * A submitter first publishes the id (inbox tail store), then CASes PARKED →
 * NOTIFIED and notifies. All `Atomics` operations are sequentially consistent, so
 * either step 2 sees the id, or the submitter sees PARKED and its notify (or the
 * changed word, which makes `wait` return at once) wakes us: no lost wake-up.
 * While async tasks are in flight the loop parks with `Atomics.waitAsync` instead,
 * so the thread's event loop stays free to settle them; their completion notifies
 * the same word.
 *
 * Results are batched: a worker posts one message per {@link RESULT_BATCH} results,
 * per {@link RESULT_FLUSH_MS}, or when it runs out of work — never one message per
 * tiny task (the cost that dominates per-task pools). The flush bound must hold while
 * a long synchronous task runs, when nothing can flush: so before starting a task
 * with results waiting, the loop flushes — unless it is working through a backlog
 * (at least {@link BATCH_QUEUE_DEPTH} tasks queued here) of a function that has been
 * quick here lately (its recent longest run, plus the batch's age, stays under the
 * bound). "Recent longest" halves with every run and jumps to any longer run, so one
 * run slowed by a GC pause or a preempted thread does not end batching for good. A
 * function's first run counts as long. Sparse work pays a message per result, which it
 * can afford; a flood of tiny tasks keeps its batches. The gap: in a flood of one
 * function that was quick, a run that is suddenly long holds that batch past the bound.
 *
 * Every id this loop takes out of a shared structure passes through its hand (hand.ts):
 * `pop`, `steal` and `drain` put it there before it leaves the structure, and `runOne`
 * clears it once the claim is decided — so a kill at any instant loses no task.
 *
 * A finished task's slot is marked FINISHED (with a primitive result inline) before
 * its result is batched, so a worker that dies with an unsent batch leaves enough for
 * the submitter to report those tasks as finished, not as died (task-table.ts).
 *
 * A task's return value is inspected (`poll`, `then`) inside a try: a hostile value
 * — a getter that throws — fails that task, never the worker.
 *
 * A task is `fn(arg, ctx)`: it may return a value, a promise, or a Future of this
 * library (run on the worker's own LiveRuntime — the project's executor, per thread).
 */
import { LiveRuntime } from "../live-runtime.js";
import { seededRandom, randomInt, type Rng } from "../rng.js";
import { EMPTY, type LocalDeque } from "./chase-lev-deque.js";
import type { Hand } from "./hand.js";
import { CANCELLED, QUEUED } from "./task-table.js";
import {
  HIGH,
  LOW,
  NOTIFIED,
  PARKED,
  PoolViews,
  RUNNING_STATE,
  STAT_DUPLICATES,
  STAT_PARKS,
  STAT_STEALS,
  STAT_TASKS,
  type PoolMemory,
} from "./pool-memory.js";
import {
  PINNED_BIT,
  RESULT_BATCH,
  RESULT_FLUSH_MS,
  RESULT_ERROR,
  RESULT_OK,
  RESULT_RELEASED,
  RESULT_STRIDE,
  TURN_MS,
} from "./protocol.js";

/** Queued tasks at which the loop keeps batching results across a quick function's runs (see the module doc). */
export const BATCH_QUEUE_DEPTH = 8;

/** `Atomics.waitAsync` (Node >= 16); typed here because the ES2023 lib does not declare it. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

/**
 * What a running task receives besides its argument.
 *
 * An abort may be requested before the task has looked at `signal` — or before it
 * even started: the first use of a task function imports its module, and the
 * submitter's abort message can arrive while that import is under way. The request
 * is kept, and the signal is born aborted. (Rejected: creating the AbortController
 * for every task up front — two allocations per tiny task that almost never looks.)
 */
export class TaskContext {
  private controller: AbortController | null = null;
  private abortReason: unknown = undefined;
  private abortRequested = false;
  constructor(
    /** The task-table slot this task occupies while it runs. */
    readonly id: number,
    readonly worker: number,
    /** @internal which task the slot holds (the pool handle's id), to match abort messages. */
    readonly task: number,
  ) {}
  /** Fires when the submitter cancels this running task. Created on first use: most tasks never look. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.abortRequested) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }
  /** @internal the worker loop's way in. */
  requestAbort(reason: unknown): void {
    if (this.abortRequested) return;
    this.abortRequested = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}

type TaskFn = (arg: unknown, ctx: TaskContext) => unknown;

export interface WorkerLoopInit {
  index: number;
  seed: number;
  memory: PoolMemory;
  post: (message: unknown) => void;
}

export class WorkerLoop {
  private readonly views: PoolViews;
  private readonly own: LocalDeque[];
  private readonly hand: Hand;
  private readonly pinned: number[] = [];
  private readonly rng: Rng;
  private readonly fns = new Map<number, TaskFn>();
  /** Recent longest synchronous run per function index, in ms (a hole: never run here); see the module doc. */
  private readonly longest: number[] = [];
  /** The clock as `took` last read it, for the `report` right after; -1 when stale. */
  private lastNow = -1;
  private readonly loading = new Map<number, Promise<TaskFn>>();
  /** Tasks of this worker that are not finished when its turn ends (loading their module, or async): slot → context. */
  private readonly live = new Map<number, TaskContext>();
  private readonly runtime = new LiveRuntime();
  private results: unknown[] = [];
  private batchStart = 0;
  private inFlight = 0;
  private turnScheduled = false;
  private readonly index: number;
  private readonly post: (message: unknown) => void;
  private readonly parkWord: number;

  constructor(init: WorkerLoopInit) {
    this.index = init.index;
    this.post = init.post;
    this.views = new PoolViews(init.memory);
    this.own = [this.views.localDeque(init.index, HIGH), this.views.localDeque(init.index, LOW)];
    this.hand = this.views.hands[init.index]!;
    for (const d of this.own) d.repair();
    this.rng = seededRandom(init.seed);
    this.parkWord = this.views.parkWord(init.index);
  }

  start(): void {
    this.scheduleTurn();
  }

  /**
   * The submitter asked to abort task `task` running in slot `id`. A synchronous task
   * has finished before this message can be handled, and a slot may by now hold
   * another task — both are ignored.
   */
  abort(id: number, task: number): void {
    const ctx = this.live.get(id);
    if (ctx !== undefined && ctx.task === task) ctx.requestAbort(new Error(`task ${id} was cancelled while running`));
  }

  private scheduleTurn(): void {
    if (this.turnScheduled) return;
    this.turnScheduled = true;
    setImmediate(this.turn);
  }

  /** Run tasks for up to {@link TURN_MS}, then let the thread's event loop breathe (abort messages, async tasks). */
  private readonly turn = (): void => {
    this.turnScheduled = false;
    const deadline = performance.now() + TURN_MS;
    let n = 0;
    for (;;) {
      const id = this.findWork();
      if (id === EMPTY) break;
      this.runOne(id);
      if ((++n & 7) === 0 && performance.now() > deadline) {
        this.flush();
        this.scheduleTurn();
        return;
      }
    }
    this.flush();
    this.park();
  };

  private findWork(): number {
    if (this.pinned.length > 0) return this.pinned.shift()!;
    // More than one new id: a parked sibling could take some (tokio's "notify a parked worker").
    if (this.views.inboxes[this.index]!.drain(this.accept) > 1) this.wakeSibling();
    let id = this.own[HIGH]!.pop();
    if (id !== EMPTY) return id;
    id = this.own[LOW]!.pop();
    if (id !== EMPTY) return id;
    return this.steal();
  }

  private readonly accept = (id: number): void => {
    const p = this.views.table.priority(id);
    if ((p & PINNED_BIT) !== 0) this.pinned.push(id);
    else this.own[p]!.push(id);
  };

  private wakeSibling(): void {
    for (let v = 0; v < this.views.stealers.length; v++) if (v !== this.index && this.views.unpark(v)) return;
  }

  private steal(): number {
    const n = this.views.stealers.length;
    if (n === 1) return EMPTY;
    const start = randomInt(this.rng, n);
    for (let k = 0; k < n; k++) {
      const victim = (start + k) % n;
      if (victim === this.index) continue;
      for (const priority of [HIGH, LOW]) {
        const moved = this.views.stealers[victim]![priority]!.stealHalfInto(this.own[priority]!);
        if (moved > 0) {
          this.views.bump(this.index, STAT_STEALS, moved);
          return this.own[priority]!.pop();
        }
      }
    }
    return EMPTY;
  }

  private hasWork(): boolean {
    if (this.pinned.length > 0 || !this.views.inboxes[this.index]!.isEmpty) return true;
    if (this.own[HIGH]!.length > 0 || this.own[LOW]!.length > 0) return true;
    for (let v = 0; v < this.views.stealers.length; v++) {
      if (v !== this.index && (this.views.stealers[v]![HIGH]!.length > 0 || this.views.stealers[v]![LOW]!.length > 0))
        return true;
    }
    return false;
  }

  private park(): void {
    const word = this.views.parking;
    Atomics.store(word, this.parkWord, PARKED);
    if (this.hasWork()) {
      Atomics.store(word, this.parkWord, RUNNING_STATE);
      this.scheduleTurn();
      return;
    }
    this.views.bump(this.index, STAT_PARKS);
    if (this.inFlight > 0) {
      const waited = waitAsync(word, this.parkWord, PARKED);
      const resume = (): void => {
        Atomics.store(word, this.parkWord, RUNNING_STATE);
        this.scheduleTurn();
      };
      if (waited.async) void (waited.value as Promise<string>).then(resume);
      else resume();
      return;
    }
    Atomics.wait(word, this.parkWord, PARKED);
    Atomics.store(word, this.parkWord, RUNNING_STATE);
    this.scheduleTurn();
  }

  private runOne(id: number): void {
    const table = this.views.table;
    const seen = table.claim(id, this.index);
    if (seen !== QUEUED) {
      // CANCELLED: the submitter frees the slot on this report. Anything else (taken, or
      // pinned to another worker): a spare copy of the id, left by a worker death (hand.ts).
      if (seen === CANCELLED) this.report(id, table.task(id), RESULT_RELEASED, undefined);
      else this.views.bump(this.index, STAT_DUPLICATES);
      this.hand.clear();
      return;
    }
    // Claimed: the slot names this worker now, so the submitter accounts for it if we die.
    this.hand.clear();
    this.views.bump(this.index, STAT_TASKS);
    const fnIndex = table.fn(id);
    const arg = table.arg(id);
    const ctx = new TaskContext(id, this.index, table.task(id));
    const fn = this.fns.get(fnIndex);
    if (fn !== undefined) return this.call(fn, ctx, arg);
    // First use of this function on this thread: import it, and run the task when loaded.
    this.inFlight++;
    this.live.set(id, ctx);
    this.load(fnIndex).then(
      (loaded) => {
        this.inFlight--;
        this.live.delete(id);
        this.call(loaded, ctx, arg);
        this.flushAndWake();
      },
      (error) => {
        this.inFlight--;
        this.live.delete(id);
        this.done(ctx, RESULT_ERROR, error);
        this.flushAndWake();
      },
    );
  }

  private load(fnIndex: number): Promise<TaskFn> {
    let p = this.loading.get(fnIndex);
    if (p === undefined) {
      const { module, name } = this.views.registry.read(fnIndex);
      p = import(module).then((m: Record<string, unknown>) => {
        const fn = m[name];
        if (typeof fn !== "function") throw new TypeError(`${module} has no exported function "${name}"`);
        this.fns.set(fnIndex, fn as TaskFn);
        return fn as TaskFn;
      });
      this.loading.set(fnIndex, p);
    }
    return p;
  }

  private call(fn: TaskFn, ctx: TaskContext, arg: unknown): void {
    const fnIndex = this.views.table.fn(ctx.id);
    let t0 = performance.now();
    if (this.results.length > 0) {
      const longest = this.longest[fnIndex];
      if (
        longest === undefined ||
        t0 - this.batchStart + longest >= RESULT_FLUSH_MS ||
        this.pinned.length + this.own[HIGH]!.length + this.own[LOW]!.length < BATCH_QUEUE_DEPTH
      ) {
        this.flush();
        t0 = performance.now();
      }
    }
    let value: unknown;
    try {
      value = fn(arg, ctx);
    } catch (error) {
      this.took(fnIndex, t0);
      return this.done(ctx, RESULT_ERROR, error);
    }
    this.took(fnIndex, t0);
    let thenable: Promise<unknown> | null = null;
    try {
      if (value !== null && (typeof value === "object" || typeof value === "function")) {
        const v = value as { poll?: unknown; then?: unknown };
        if (typeof v.poll === "function") value = this.runtime.spawn(value as never).toPromise();
        const then = (value as { then?: unknown }).then;
        if (typeof then === "function") {
          // Adopt it the way `await` would, but through one call we control: a `then` that throws
          // or calls back twice is the task's problem, not the loop's.
          thenable = new Promise<unknown>((resolve, reject) =>
            (then as (a: unknown, b: unknown) => void).call(value, resolve, reject),
          );
        }
      }
    } catch (error) {
      return this.done(ctx, RESULT_ERROR, error);
    }
    if (thenable === null) return this.done(ctx, RESULT_OK, value);
    this.lastNow = -1; // its result comes later, at another time
    this.inFlight++;
    this.live.set(ctx.id, ctx);
    thenable.then(
      (result) => this.settleAsync(ctx, RESULT_OK, result),
      (error) => this.settleAsync(ctx, RESULT_ERROR, error),
    );
  }

  /** Record a synchronous run's length; the time read here is reused by `report` (one clock read per task). */
  private took(fnIndex: number, t0: number): void {
    const now = performance.now();
    this.lastNow = now;
    const ms = now - t0;
    const decayed = (this.longest[fnIndex] ?? 0) * 0.5;
    this.longest[fnIndex] = ms > decayed ? ms : decayed;
  }

  private settleAsync(ctx: TaskContext, code: number, value: unknown): void {
    this.inFlight--;
    this.live.delete(ctx.id);
    this.done(ctx, code, value);
    this.flushAndWake();
  }

  /** A task ended: mark its slot FINISHED (what a dead worker leaves behind), then batch its result. */
  private done(ctx: TaskContext, code: number, value: unknown): void {
    this.views.table.finish(ctx.id, code, value);
    this.report(ctx.id, ctx.task, code, value);
  }

  /** An async completion: deliver it now, and wake the loop if it is parked with waitAsync. */
  private flushAndWake(): void {
    this.flush();
    if (Atomics.compareExchange(this.views.parking, this.parkWord, PARKED, NOTIFIED) === PARKED)
      Atomics.notify(this.views.parking, this.parkWord, 1);
  }

  private report(id: number, task: number, code: number, value: unknown): void {
    // A synchronous task's end was just timed (`took`); other paths read the clock here.
    const now = this.lastNow >= 0 ? this.lastNow : performance.now();
    this.lastNow = -1;
    if (this.results.length === 0) this.batchStart = now;
    this.results.push(id, task, code, value);
    if (this.results.length >= RESULT_BATCH * RESULT_STRIDE || now - this.batchStart >= RESULT_FLUSH_MS) this.flush();
  }

  private flush(): void {
    if (this.results.length === 0) return;
    const batch = this.results;
    this.results = [];
    try {
      this.post(batch);
    } catch {
      // Some value in the batch is not structured-clonable: send entry by entry so only its task fails.
      for (let i = 0; i < batch.length; i += RESULT_STRIDE) {
        try {
          this.post(batch.slice(i, i + RESULT_STRIDE));
        } catch (error) {
          this.post([
            batch[i],
            batch[i + 1],
            RESULT_ERROR,
            new TypeError(`task result could not be sent to the pool: ${(error as Error).message}`),
          ]);
        }
      }
    }
  }
}
