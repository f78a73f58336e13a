/**
 * A task: a spawned future plus the state that lets a runtime poll it exactly when
 * it should.
 *
 * State machine (the `state` field; the only transitions there are):
 *
 *   IDLE ──wake──▶ SCHEDULED ──run──▶ RUNNING ──poll PENDING──▶ IDLE
 *                     ▲                  │  wake during poll
 *                     │                  ▼
 *                     └──after poll── NOTIFIED
 *   RUNNING / NOTIFIED ──poll returns──▶ COMPLETE   (or FAILED if poll threw)
 *   IDLE / SCHEDULED ──cancel──▶ CANCELLED           (future.cancel() runs now)
 *   RUNNING / NOTIFIED ──cancel──▶ CANCELLING ──after poll──▶ CANCELLED
 *
 * - IDLE: not in any queue; waiting for a waker. Only `wake` leaves it.
 * - SCHEDULED: in exactly one run queue. A wake here does nothing — this is what
 *   makes "scheduled at most once at a time" true without the queue checking.
 * - RUNNING: being polled. A wake here must not push (the task would be in the
 *   queue while running, and a second worker could poll it concurrently in the
 *   threads driver's terms); it records NOTIFIED instead, and the runner re-queues
 *   after the poll returns — once, however many wakes came. So a wake during a poll
 *   is never lost and never doubled.
 * - COMPLETE / FAILED / CANCELLED: final. The future is dropped (`null`) so its
 *   memory goes; the output stays for the join handle.
 *
 * Why a task is also its own waker, its own poll context and its own join handle —
 * and drives a spawned generator itself instead of wrapping it in a
 * `GeneratorFuture`: one allocation per spawn instead of five. async-task splits Runnable / Task /
 * Waker because its handles cross threads with reference counts; on one JavaScript
 * thread the split would only cost memory (the `memory` bench counts it). The
 * public types (`JoinHandle`, `Waker`) still show only what a holder may do.
 */
import { BaseFuture } from "../futures/base-future.js";
import { cancelGenerator, resumeGenerator, type Co, type GeneratorDriver } from "../futures/generator-future.js";
import { PENDING, type Context, type Future, type Poll, type Timers, type Waker } from "../futures/poll.js";

const IDLE = 0;
const SCHEDULED = 1;
const RUNNING = 2;
const NOTIFIED = 3;
const CANCELLING = 4;
const COMPLETE = 5;
const FAILED = 6;
const CANCELLED = 7;

/** Names are rare; keeping them off the task keeps every unnamed task smaller. */
const taskNames = new WeakMap<object, string>();

/** What a task needs from the runtime that owns it. */
export interface TaskScheduler {
  readonly timers: Timers;
  /** Put a task (just woken) on a run queue. Called at most once per IDLE → SCHEDULED. */
  schedule(task: Task<any>): void;
  /** A task reached a final state (for live-task counts and traces). */
  taskEnded(task: Task<any>): void;
  /** A detached task failed: nobody will read its handle, so the runtime must report it. */
  detachedTaskFailed(task: Task<any>, error: unknown): void;
}

/** Why a join handle could not produce its task's value. */
export class JoinError extends Error {
  constructor(
    readonly kind: "failed" | "cancelled",
    readonly taskId: number,
    cause?: unknown,
  ) {
    super(
      kind === "cancelled"
        ? `task ${taskId} was cancelled`
        : `task ${taskId} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "JoinError";
  }
  get isCancelled(): boolean {
    return this.kind === "cancelled";
  }
}

/**
 * The spawner's side of a task: await its value (`yield* handle`, or `await handle`
 * as it is also a `PromiseLike`), cancel it, or let it run on its own.
 */
export interface JoinHandle<T> extends Future<T>, PromiseLike<T> {
  readonly id: number;
  /** True once the task completed, failed or was cancelled. */
  readonly finished: boolean;
  /** Stop the task: its future is cancelled (generator `finally` blocks run). False if it had already ended. */
  cancel(): boolean;
  /** Let the task run on unobserved; a failure is then reported by the runtime instead of lost. */
  detach(): void;
  /** The task's value as a promise (rejects with `JoinError`). */
  toPromise(): Promise<T>;
  [Symbol.iterator](): Iterator<Future<unknown>, T, unknown>;
}

/** Per-spawn options understood by every runtime. */
export interface SpawnOptions {
  /** A name for traces and error reports. */
  name?: string;
  /**
   * Which named queue the task goes to in a multi-queue runtime (`"high"`, `"low"`, or
   * any name the runtime was built with). Default: the lowest-priority queue, as the
   * book's `spawn_task!` defaults to `Low`. Single-queue runtimes ignore it.
   */
  priority?: string;
}

export class Task<T> extends BaseFuture<T> implements Waker, Context, JoinHandle<T>, GeneratorDriver {
  private state = SCHEDULED;
  /** A future, or a generator the task drives directly (`awaited` is then its current await). */
  private future: Future<T> | Co<T> | null;
  /** GeneratorDriver (the future this task waits on; kept in the declarations, which must show the interface whole). */
  awaited: Future<unknown> | null = null;
  private output: unknown = undefined;
  private joinWaker: Waker | null = null;
  private settle: (() => void) | null = null;
  /**
   * Bit 0: detached. Bits 1+: the queue index the runtime keeps this task on.
   * Packed into one field because every byte of a task is paid 100,000 times over
   * in the `memory` bench (see the `queue` and `detached` accessors).
   */
  private flags = 0;

  /** Created SCHEDULED: the spawner pushes it on a run queue right after. */
  constructor(
    readonly id: number,
    future: Future<T> | Co<T>,
    readonly scheduler: TaskScheduler,
  ) {
    super();
    this.future = future;
  }

  /** Which queue the runtime keeps this task on (runtimes with one queue ignore it). */
  get queue(): number {
    return this.flags >>> 1;
  }
  set queue(index: number) {
    this.flags = (index << 1) | (this.flags & 1);
  }

  private get detached(): boolean {
    return (this.flags & 1) === 1;
  }

  /** The name given at spawn, for traces and error reports. */
  get name(): string | undefined {
    return taskNames.get(this);
  }
  set name(name: string | undefined) {
    if (name === undefined) taskNames.delete(this);
    else taskNames.set(this, name);
  }

  // --- Context: the task is the context its future is polled with. ---
  get waker(): Waker {
    return this;
  }
  get timers(): Timers {
    return this.scheduler.timers;
  }

  // --- Waker ---
  wake(): void {
    const s = this.state;
    if (s === IDLE) {
      this.state = SCHEDULED;
      this.scheduler.schedule(this);
    } else if (s === RUNNING) {
      this.state = NOTIFIED;
    }
    // SCHEDULED / NOTIFIED: already going to run. CANCELLING and final states: nothing to run.
  }

  // --- Runnable: the runtime's side. ---
  /** Poll the future once. Only the runtime calls this, for a task it popped off a queue. */
  run(): void {
    if (this.state !== SCHEDULED) return; // cancelled while it sat in the queue
    this.state = RUNNING;
    let out: Poll<T>;
    const future = this.future!;
    try {
      out = typeof (future as Future<T>).poll === "function" ? (future as Future<T>).poll(this) : resumeGenerator(this, future as Co<T>, this);
    } catch (error) {
      this.finish(FAILED, error);
      return;
    }
    if (out !== PENDING) {
      this.finish(COMPLETE, out);
      return;
    }
    const s = this.state;
    if (s === RUNNING) {
      this.state = IDLE;
    } else if (s === NOTIFIED) {
      this.state = SCHEDULED;
      this.scheduler.schedule(this);
    } else {
      // CANCELLING: cancel() was called from inside this very poll.
      this.cancelFuture();
    }
  }

  // --- JoinHandle: the spawner's side. ---
  get finished(): boolean {
    return this.state >= COMPLETE;
  }

  /** True while the task sits in a run queue. */
  get isScheduled(): boolean {
    return this.state === SCHEDULED;
  }

  poll(cx: Context): Poll<T> {
    switch (this.state) {
      case COMPLETE:
        return this.output as T;
      case FAILED:
        throw new JoinError("failed", this.id, this.output);
      case CANCELLED:
        throw new JoinError("cancelled", this.id);
      default:
        this.joinWaker = cx.waker;
        return PENDING;
    }
  }

  override cancel(): boolean {
    switch (this.state) {
      case IDLE:
      case SCHEDULED:
        // A SCHEDULED task stays in its queue; `run` will see CANCELLED and skip it.
        this.cancelFuture();
        return true;
      case RUNNING:
      case NOTIFIED:
        this.state = CANCELLING;
        return true;
      default:
        return false;
    }
  }

  detach(): void {
    this.flags |= 1;
    if (this.state === FAILED) this.scheduler.detachedTaskFailed(this, this.output);
  }

  toPromise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deliver = (): void => {
        if (this.state === COMPLETE) resolve(this.output as T);
        else reject(this.state === FAILED ? new JoinError("failed", this.id, this.output) : new JoinError("cancelled", this.id));
      };
      if (this.state >= COMPLETE) return deliver();
      const previous = this.settle;
      this.settle = previous === null ? deliver : () => (previous(), deliver());
    });
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.toPromise().then(onFulfilled, onRejected);
  }

  private cancelFuture(): void {
    const future = this.future;
    this.future = null;
    this.state = CANCELLED;
    try {
      if (future !== null) {
        if (typeof (future as Future<T>).poll === "function") (future as Future<T>).cancel?.();
        else cancelGenerator(this, future as Co<T>);
      }
    } finally {
      this.notifyJoiners();
      this.scheduler.taskEnded(this);
    }
  }

  private finish(state: number, output: unknown): void {
    this.state = state;
    this.output = output;
    this.future = null;
    // `awaited` is null here on every path: resumeGenerator clears it before it
    // resumes the generator, whether the await produced a value or threw. The test
    // guards that invariant without a store on the path every finished task takes.
    if (this.awaited !== null) this.awaited = null;
    if (this.joinWaker !== null || this.settle !== null) this.notifyJoiners();
    this.scheduler.taskEnded(this);
    if (state === FAILED && this.detached) this.scheduler.detachedTaskFailed(this, output);
  }

  private notifyJoiners(): void {
    const waker = this.joinWaker;
    const settle = this.settle;
    this.joinWaker = null;
    this.settle = null;
    waker?.wake();
    settle?.();
  }
}
