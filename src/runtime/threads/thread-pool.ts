/**
 * `ThreadPool`: N worker threads, each with `high`/`low` Chase–Lev deques in shared
 * memory, stealing from each other and parking when idle (worker-loop.ts). This
 * file is the submitter's side: it owns the task table's free slots, publishes
 * tasks to workers' inboxes, matches result batches to handles, replaces dead
 * workers, and shuts down.
 *
 * Invariants:
 * 1. Every submitted task settles its handle exactly once: ok, failed (a throw, or
 *    its worker died — see 4), or cancelled (removed before it ran).
 * 2. A slot is reused only after the worker that held its id reported it (task-table.ts).
 * 3. Tasks beyond the table's capacity wait in `backlog` (FIFO) and are published
 *    as results free slots — back-pressure, instead of an unbounded shared ring.
 * 4. A worker that exits while the pool is open is replaced at the same index. What
 *    it held is accounted for, slot by slot (dead-worker.ts): unpinned ids in its deques
 *    and inbox stay there for the replacement (and for thieves) — re-queued, not lost;
 *    the id in its hand (taken out of a structure, not yet claimed; hand.ts) is sent to
 *    its inbox again (a cancelled one: its slot is freed); its pinned tasks, which lived
 *    in its thread's memory or wait in its inbox for a thread that no longer exists, fail
 *    with `WorkerDiedError`; a task it was running fails with `WorkerDiedError`; a task it
 *    had finished but whose result it had not sent is settled as finished (from the
 *    slot's stored result; see task-table.ts).
 *    The re-send may leave a spare copy of an id; a slot runs once anyway (the claim
 *    CAS), and `onResults` frees a slot only for the release report that matches it.
 * 5. Workers are `unref`'d while no task is outstanding, so an idle pool — closed or
 *    not, with original or replacement workers — never keeps the process alive. A
 *    worker is ref'd while it starts (until `online`: code awaiting `onWorkerStart`
 *    is waiting on the pool), and the `unref()` comes after every listener is attached:
 *    Node 20 re-refs a worker's port when a `message` listener is added after it.
 * 6. A submit's AbortSignal listener lives exactly as long as its task: it is removed
 *    when the task settles, however it settles.
 *
 * Worker entry: the compiled `worker-main.js` beside this file. When this module
 * runs from TypeScript sources (vitest, `tsx`), the entry is `worker-main.ts`, loaded
 * through tsx (`startModuleWorker`) — chosen over "tests must run against dist/"
 * so a test run never uses a stale build.
 *
 * Shutdown (`close`):
 *   1. stop accepting submissions;
 *   2. mode "drain": wait for every outstanding task; mode "cancel": cancel queued
 *      and backlogged tasks, abort running ones, then wait for those to settle;
 *      a `deadlineMs` (given to this call or any later one — the earliest wins) fails
 *      whatever is still outstanding when it passes;
 *   3. terminate every worker and wait for their exit.
 */
import { availableParallelism } from "node:os";
import {
  DEFAULT_CAPACITY,
  type SubmitOptions,
  type TaskDescriptor,
  type ThreadPoolOptions,
  type WorkerStats,
} from "./pool-options.js";
import type { Worker } from "node:worker_threads";
import { hostTimeout, type HostTimeout } from "../host-timeout.js";
import { siblingModule, startModuleWorker } from "../module-worker.js";
import {
  allocatePoolMemory,
  HIGH,
  LOW,
  PoolViews,
  STAT_DUPLICATES,
  STAT_PARKS,
  STAT_STEALS,
  STAT_TASKS,
} from "./pool-memory.js";
import { accountForDeadWorker } from "./dead-worker.js";
import { PoolClosedError, PoolHandle } from "./pool-handle.js";
import { PINNED_BIT, RESULT_OK, RESULT_RELEASED, RESULT_STRIDE } from "./protocol.js";
import { CANCELLED } from "./task-table.js";

/** The worker's entry: `worker-main.js` compiled, or `worker-main.ts` through tsx (see module-worker.ts). */
const WORKER_MAIN = siblingModule(import.meta.url, "worker-main");

export {
  DEFAULT_CAPACITY,
  type SubmitOptions,
  type TaskDescriptor,
  type ThreadPoolOptions,
  type WorkerStats,
} from "./pool-options.js";

export class ThreadPool {
  readonly size: number;
  private readonly views: PoolViews;
  private readonly workers: Worker[] = [];
  private readonly bySlot: (PoolHandle<unknown> | null)[];
  private readonly freeSlots: number[] = [];
  private backlog: { handle: PoolHandle<unknown>; fn: number; priority: number; arg: unknown; worker: number }[] = [];
  private backlogHead = 0;
  private nextId = 1;
  private cursor = 0;
  private outstanding = 0;
  private closing = false;
  private abandoned = false;
  private closed: Promise<void> | null = null;
  /** When the close deadline fires (earliest asked for), and its timer. */
  private deadlineAt = Infinity;
  private deadlineTimer: HostTimeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private exiting = new Set<Worker>();
  private killed = new WeakSet<Worker>();
  /** Pinned tasks submitted to each worker and not yet settled: `spawnPinned` picks the least loaded. */
  private readonly pinnedLoad: number[];

  constructor(private readonly options: ThreadPoolOptions = {}) {
    this.size = options.workers ?? availableParallelism();
    if (!Number.isInteger(this.size) || this.size < 1)
      throw new RangeError(`workers must be an integer >= 1, got ${options.workers}`);
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (capacity < 2 || (capacity & (capacity - 1)) !== 0)
      throw new RangeError(`capacity must be a power of two >= 2, got ${capacity}`);
    this.views = new PoolViews(allocatePoolMemory(this.size, capacity));
    this.pinnedLoad = new Array<number>(this.size).fill(0);
    this.bySlot = new Array(capacity).fill(null);
    for (let s = capacity - 1; s >= 0; s--) this.freeSlots.push(s);
    for (let i = 0; i < this.size; i++) this.workers.push(this.startWorker(i));
  }

  /** Queue a task; the handle settles with its value. */
  submit<T = unknown>(task: TaskDescriptor, options: SubmitOptions = {}): PoolHandle<T> {
    if (this.closing) throw new Error("ThreadPool is closed: no new tasks accepted");
    const module = typeof task.module === "string" ? task.module : task.module.href;
    const fn = this.views.registry.register(module, task.name);
    let priority =
      options.priority === "high" ? HIGH : options.priority === undefined || options.priority === "low" ? LOW : -1;
    if (priority < 0) throw new RangeError(`priority must be "high" or "low", got ${String(options.priority)}`);
    const worker = options.worker ?? -1;
    if (worker !== -1) {
      if (!Number.isInteger(worker) || worker < 0 || worker >= this.size)
        throw new RangeError(`worker must be an index in [0, ${this.size}), got ${worker}`);
      priority |= PINNED_BIT;
    }
    const handle = new PoolHandle<unknown>(this.nextId++, this.cancelHandle);
    if (worker !== -1) {
      handle.worker = worker;
      this.pinnedLoad[worker]!++;
    }
    if (this.outstanding++ === 0) for (const w of this.workers) w.ref();
    if (this.freeSlots.length > 0 && this.backlogHead === this.backlog.length) {
      this.publish(handle, fn, priority, task.arg, worker);
    } else {
      this.backlog.push({ handle, fn, priority, arg: task.arg, worker });
    }
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) handle.cancel();
      else if (!handle.finished) {
        const onAbort = (): void => void handle.cancel();
        signal.addEventListener("abort", onAbort, { once: true });
        handle.onSettled = () => signal.removeEventListener("abort", onAbort); // invariant 6
      }
    }
    return handle as PoolHandle<T>;
  }

  /**
   * Run `task` pinned to the worker with the fewest pinned tasks outstanding (ties: the
   * lowest index) — tokio's `LocalPoolHandle::spawn_pinned`. A pinned task is never
   * stolen, so it sees that worker's thread-local state.
   */
  spawnPinned<T = unknown>(task: TaskDescriptor, options: Omit<SubmitOptions, "worker"> = {}): PoolHandle<T> {
    let best = 0;
    for (let i = 1; i < this.size; i++) if (this.pinnedLoad[i]! < this.pinnedLoad[best]!) best = i;
    return this.submit<T>(task, { ...options, worker: best });
  }

  /** Run `task` pinned to worker `index` — `spawn_pinned_by_idx`. */
  spawnPinnedByIdx<T = unknown>(
    task: TaskDescriptor,
    index: number,
    options: Omit<SubmitOptions, "worker"> = {},
  ): PoolHandle<T> {
    return this.submit<T>(task, { ...options, worker: index });
  }

  /** The name worker `index` runs under (`${name}-${index}`). */
  workerName(index: number): string {
    return `${this.options.name ?? "async-lab-pool"}-${index}`;
  }

  /** `submit` and await: the task's value, or a `JoinError`. */
  run<T = unknown>(task: TaskDescriptor, options?: SubmitOptions): Promise<T> {
    return this.submit<T>(task, options).toPromise();
  }

  /** Per-worker counters (read from shared memory now; workers keep updating them). */
  stats(): WorkerStats[] {
    const out: WorkerStats[] = [];
    for (let i = 0; i < this.size; i++) {
      out.push({
        tasksRun: this.views.stat(i, STAT_TASKS),
        steals: this.views.stat(i, STAT_STEALS),
        parks: this.views.stat(i, STAT_PARKS),
        duplicates: this.views.stat(i, STAT_DUPLICATES),
      });
    }
    return out;
  }

  /** Tasks submitted and not yet settled. */
  get pending(): number {
    return this.outstanding;
  }

  /** Which workers are parked right now (for labs and tests). */
  parkedWorkers(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.views.isParked(i)) out.push(i);
    return out;
  }

  /** Kill worker `index` now (a crash drill: it is replaced, its running task fails). */
  async killWorker(index: number): Promise<void> {
    const worker = this.workers[index];
    if (worker === undefined) throw new RangeError(`no worker ${index} in a pool of ${this.size}`);
    this.killed.add(worker);
    await worker.terminate();
  }

  /**
   * Shut down (see the module doc). Idempotent. With `deadlineMs`, tasks still running
   * that long after the call are not waited for: their workers are terminated and
   * the tasks fail with {@link PoolClosedError} (a synchronous task cannot be
   * interrupted any other way; its AbortSignal is only seen between turns).
   */
  close(options: { mode?: "drain" | "cancel"; deadlineMs?: number } = {}): Promise<void> {
    const deadlineMs = options.deadlineMs ?? Infinity;
    if (!(deadlineMs >= 0)) throw new RangeError(`deadlineMs must be >= 0, got ${options.deadlineMs}`);
    this.closing = true;
    if (options.mode === "cancel") {
      for (let i = this.backlogHead; i < this.backlog.length; i++) this.backlog[i]!.handle.cancel();
      for (const h of this.bySlot) h?.cancel();
    }
    // A later close may bring a deadline (or an earlier one): it applies to the shutdown under way.
    if (deadlineMs !== Infinity) this.armDeadline(deadlineMs);
    this.closed ??= (async () => {
      if (this.outstanding > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      this.deadlineTimer?.clear();
      const all = this.workers.map((w) => {
        this.exiting.add(w);
        return w.terminate();
      });
      await Promise.all(all);
    })();
    return this.closed;
  }

  private armDeadline(deadlineMs: number): void {
    const at = performance.now() + deadlineMs;
    if (at >= this.deadlineAt) return;
    this.deadlineAt = at;
    this.deadlineTimer?.clear();
    // Not ref'd: while tasks are outstanding the workers keep the process alive anyway.
    // (A host timeout, not setTimeout: a deadline past 24.8 days must not fire after 1 ms.)
    this.deadlineTimer = hostTimeout(() => {
      if (this.outstanding > 0) this.abandon(deadlineMs);
    }, deadlineMs).unref();
  }

  /** The close deadline passed: fail whatever is still outstanding (its workers are terminated next). */
  private abandon(deadlineMs: number): void {
    this.abandoned = true;
    const error = new PoolClosedError(deadlineMs);
    for (let i = this.backlogHead; i < this.backlog.length; i++)
      this.settleOutside(this.backlog[i]!.handle, "failed", error);
    for (let slot = 0; slot < this.bySlot.length; slot++) if (this.bySlot[slot]) this.finish(slot, "failed", error);
  }

  private startWorker(index: number): Worker {
    const worker = startModuleWorker(
      WORKER_MAIN,
      { index, seed: (this.options.seed ?? 1) + index, memory: this.views.memory },
      {
        name: this.workerName(index),
        ...(this.options.stackSizeMb !== undefined
          ? { resourceLimits: { stackSizeMb: this.options.stackSizeMb } }
          : {}),
      },
    );
    let lastError: unknown;
    let online = false;
    worker.on("message", this.onResults);
    worker.on("online", () => {
      online = true;
      // Ref'd while starting (invariant 5): whoever waits for the start hooks must not see the process end first.
      if (this.outstanding === 0 && !this.exiting.has(worker)) worker.unref();
      this.options.onWorkerStart?.(index, worker.threadId, this.workerName(index));
    });
    worker.on("error", (error) => (lastError = error));
    worker.on("exit", (code) => {
      this.options.onWorkerStop?.(index, code, this.workerName(index));
      if (this.exiting.has(worker)) return;
      // Died before it ever ran: respawning would loop forever on the same error (a bad entry file, a loader failure).
      if (!online && !this.killed.has(worker))
        return this.broken(
          new Error(
            `pool worker ${index} failed to start: ${String((lastError as Error | undefined)?.message ?? lastError)}`,
            { cause: lastError },
          ),
        );
      this.workerDied(index, code, lastError);
    });
    return worker;
  }

  /** A worker cannot start: fail everything, accept nothing more, stop the others. */
  private broken(error: Error): void {
    this.closing = true;
    for (let i = this.backlogHead; i < this.backlog.length; i++)
      this.settleOutside(this.backlog[i]!.handle, "failed", error);
    for (let slot = 0; slot < this.bySlot.length; slot++) if (this.bySlot[slot]) this.finish(slot, "failed", error);
    for (const w of this.workers) {
      this.exiting.add(w);
      void w.terminate();
    }
  }

  /** Invariant 4: account for every slot the dead worker could have held (dead-worker.ts), then replace it. */
  private workerDied(index: number, code: number, cause: unknown): void {
    accountForDeadWorker(
      {
        views: this.views,
        bySlot: this.bySlot,
        freeSlots: this.freeSlots,
        finish: (slot, state, value) => this.finish(slot, state, value),
        settle: (handle, state, value) => this.settleOutside(handle, state, value),
      },
      index,
      code,
      cause,
    );
    if (this.closing && this.outstanding === 0) return;
    const replacement = this.startWorker(index);
    this.workers[index] = replacement;
    this.admitBacklog();
  }

  private publish(handle: PoolHandle<unknown>, fn: number, priority: number, arg: unknown, worker: number): void {
    const slot = this.freeSlots.pop()!;
    try {
      this.views.table.fill(slot, handle.id | 0, fn, priority, arg, worker);
    } catch (error) {
      this.freeSlots.push(slot);
      this.settleOutside(handle, "failed", error);
      return;
    }
    handle.slot = slot;
    this.bySlot[slot] = handle;
    let target = worker;
    if (target < 0) {
      target = this.cursor;
      this.cursor = this.cursor + 1 === this.size ? 0 : this.cursor + 1;
    }
    this.views.inboxes[target]!.send(slot);
    this.views.unpark(target);
  }

  private readonly cancelHandle = (handle: PoolHandle<unknown>): boolean => {
    const slot = handle.slot;
    if (slot < 0) {
      // Still in the backlog: it will be skipped when its turn comes.
      this.settleOutside(handle, "cancelled", undefined);
      return true;
    }
    if (this.views.table.cancel(slot)) {
      // The id is still in some deque; the worker that pops it reports RELEASED, which frees the slot.
      handle.slot = -1;
      this.settleOutside(handle, "cancelled", undefined);
      this.bySlot[slot] = null;
      return true;
    }
    // Running: ask its worker to fire the task's AbortSignal. The task id rides along because the
    // message may arrive after this slot finished and was reused; the worker then ignores it.
    const owner = this.views.table.owner(slot);
    if (owner >= 0) this.workers[owner]!.postMessage({ kind: "abort", id: slot, task: handle.id | 0 });
    return true;
  };

  private readonly onResults = (batch: unknown[]): void => {
    // Past a close deadline every slot was settled already; late results have nobody to go to.
    if (this.abandoned) return;
    for (let i = 0; i < batch.length; i += RESULT_STRIDE) {
      const slot = batch[i] as number;
      const task = batch[i + 1] as number;
      const code = batch[i + 2] as number;
      if (code === RESULT_RELEASED) {
        // Free the slot only if it still holds that cancelled task. After a worker death an id
        // may exist twice (hand.ts), and both copies of a cancelled task's id report a release:
        // freeing on each would put the slot on `freeSlots` twice — two tasks in one slot.
        const table = this.views.table;
        if (table.state(slot) === CANCELLED && table.task(slot) === task) {
          table.release(slot);
          this.freeSlots.push(slot);
        }
        continue;
      }
      // Settled already (its worker died and the slot was accounted for, maybe reused since): not ours.
      const h = this.bySlot[slot];
      if (h === null || h === undefined || (h.id | 0) !== task) continue;
      this.finish(slot, code === RESULT_OK ? "ok" : "failed", batch[i + 3]);
    }
    this.admitBacklog();
  };

  /** A slot's task ended: free the slot, settle the handle. */
  private finish(slot: number, state: "ok" | "failed", value: unknown): void {
    const h = this.bySlot[slot];
    this.bySlot[slot] = null;
    this.views.table.release(slot);
    this.freeSlots.push(slot);
    if (h === null || h === undefined) return;
    h.slot = -1;
    this.settleOutside(h, state, value);
  }

  private settleOutside(handle: PoolHandle<unknown>, state: "ok" | "failed" | "cancelled", value: unknown): void {
    if (handle.finished) return;
    if (handle.worker >= 0) this.pinnedLoad[handle.worker]!--;
    handle.settle(state, value);
    if (--this.outstanding === 0) {
      for (const w of this.workers) w.unref();
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private admitBacklog(): void {
    while (this.freeSlots.length > 0 && this.backlogHead < this.backlog.length) {
      const next = this.backlog[this.backlogHead++]!;
      if (!next.handle.finished) this.publish(next.handle, next.fn, next.priority, next.arg, next.worker);
    }
    if (this.backlogHead === this.backlog.length && this.backlogHead > 0) {
      this.backlog = [];
      this.backlogHead = 0;
    }
  }
}
