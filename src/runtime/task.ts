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
 *   IDLE / SCHEDULED ──cancel──▶ CANCELLED           (the future's cleanup runs now)
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
 * - COMPLETE / FAILED / CANCELLED: final. The future is dropped (its slot now
 *   holds the output) so its memory goes; the output stays for the join handle. For CANCELLED the output is
 *   what the cancelled future's cleanup threw (a `finally` block), or undefined.
 *
 * Cancellation never escapes: a throw from the cancelled future's `cancel()` or a
 * generator's `finally` is caught here and kept as the cause of the handle's
 * cancelled `JoinError` — not thrown at whoever called `cancel()` (it asked for the
 * task to stop, and it did), and not out of `run()` into the driver's drain.
 *
 * The join side: any number of awaiters. The first waker that polls the handle is
 * kept in a field (`joiner`); when a second one comes, both move to a
 * {@link JoinWaiters} (made only then), which takes the field's place; promises from
 * `then`/`toPromise` register a waker of their own the same way. When the task
 * ends, all are woken. Polling or `then`-ing after the end gives the same outcome
 * every time. An awaiter that gives up (its task was cancelled, it lost a `select`)
 * is *abandoning* the handle (futures/abandon.ts): its waker leaves, the task runs on
 * for the others — `cancel()` stays the explicit abort.
 *
 * Size: 88 bytes — one field each for the future-then-output and for the
 * awaiters, rather than two each, and one for the live runtime's queue link
 * (task-queue.ts). A task is paid per spawn, in allocation and in the copying of
 * every young-generation GC that finds it alive; CPU time per iteration of ping_pong
 * was 6 % lower with the merged fields than with four (median of nine alternating
 * runs; spawn_many and yield_many unchanged).
 *
 * Why a task is also its own waker, its own poll context and its own join handle —
 * and drives a spawned generator itself instead of wrapping it in a
 * `GeneratorFuture`: one allocation per spawn instead of five. async-task splits Runnable / Task /
 * Waker because its handles cross threads with reference counts; on one JavaScript
 * thread the split would only cost memory (the `memory` bench counts it). The
 * public types (`JoinHandle`, `Waker`) still show only what a holder may do.
 */
import { abandon, ABANDON, type Abandonable } from "../futures/abandon.js";
import { BaseFuture } from "../futures/base-future.js";
import {
  cancelGenerator,
  isGenerator,
  resumeGenerator,
  type Co,
  type GeneratorDriver,
} from "../futures/generator-future.js";
import { PENDING, type Context, type Future, type Poll, type Timers, type Waker } from "../futures/poll.js";
import { JoinError, type JoinHandle } from "./join-handle.js";
import { JoinWaiters } from "./join-waiters.js";

export { JoinError, type JoinHandle, type SpawnOptions } from "./join-handle.js";

const IDLE = 0;
const SCHEDULED = 1;
const RUNNING = 2;
const NOTIFIED = 3;
const CANCELLING = 4;
const COMPLETE = 5;
const FAILED = 6;
const CANCELLED = 7;

/**
 * `flags` bit 1: the task drives a generator, decided once at spawn. Asking the
 * future on every poll instead (`typeof future.poll`) is a property lookup on a
 * generator object, whose hidden class differs per generator function — megamorphic
 * once an application has a few of them. With the bit, CPU time per iteration of the
 * executor bench's workloads (one process per run, all cases warmed, medians of 7–9
 * alternating runs): yield_many −13 to −16 %, yield_many_typed −9 %, ping_pong −3 to
 * −8 %; spawn_many and chained_spawn unchanged. At spawn, the test is `isGenerator`
 * (a walk up the prototype chain to %GeneratorPrototype%, no property lookup):
 * spawn_many −6 % against `typeof future.poll` there.
 */
const GENERATOR = 2;

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

export class Task<T> extends BaseFuture<T> implements Waker, Context, JoinHandle<T>, GeneratorDriver, Abandonable {
  private state = SCHEDULED;
  /**
   * Until the task ends: the future, or the generator the task drives directly
   * (`awaited` is then its current await). Once it ended (COMPLETE / FAILED /
   * CANCELLED): the output — the value, the error, or what a cancelled future's
   * cleanup threw (undefined if nothing). One field for both: the future is dropped
   * at the moment the output arrives, and `state` says which one the slot holds.
   */
  private slot: unknown;
  /** GeneratorDriver (the future this task waits on; kept in the declarations, which must show the interface whole). */
  awaited: Future<unknown> | null = null;
  /**
   * Who awaits the end: nobody (null), one waker (the common case: one awaiter, no
   * other object), or — from the second awaiter on — a JoinWaiters holding all of
   * them, oldest first. One field for the three cases.
   */
  private joiner: Waker | JoinWaiters | null = null;
  /**
   * Bit 0: detached. Bit 1: the task drives a generator (`GENERATOR`). Bits 2+: the
   * queue index the runtime keeps this task on. Packed into one field because every
   * byte of a task is paid 100,000 times over in the `memory` bench (see the `queue`
   * and `detached` accessors).
   */
  private flags = 0;
  /** @internal the next task in the live runtime's run queue (task-queue.ts); null when not queued there. */
  nextQueued: Task<any> | null = null;

  /** Created SCHEDULED: the spawner pushes it on a run queue right after. */
  constructor(
    readonly id: number,
    future: Future<T> | Co<T>,
    readonly scheduler: TaskScheduler,
  ) {
    super();
    this.slot = future;
    if (isGenerator(future)) this.flags = GENERATOR;
  }

  /** Which queue the runtime keeps this task on (runtimes with one queue ignore it). */
  get queue(): number {
    return this.flags >>> 2;
  }
  set queue(index: number) {
    this.flags = (index << 2) | (this.flags & 3);
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
    const future = this.slot as Future<T> | Co<T>;
    try {
      out =
        (this.flags & GENERATOR) !== 0
          ? resumeGenerator(this, future as Co<T>, this)
          : (future as Future<T>).poll(this);
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
        return this.slot as T;
      case FAILED:
        throw new JoinError("failed", this.id, this.slot);
      case CANCELLED:
        throw new JoinError("cancelled", this.id, this.slot);
      default: {
        const waker = cx.waker;
        if (waker !== this.joiner) this.addJoiner(waker);
        return PENDING;
      }
    }
  }

  /** Awaiters waiting now (for tests: it must not grow with polls, and must shrink when one gives up). */
  get awaiters(): number {
    const j = this.joiner;
    return j === null ? 0 : j instanceof JoinWaiters ? j.size : 1;
  }

  /** Register `waker`; one already registered keeps its place (polling again never grows anything). */
  private addJoiner(waker: Waker): void {
    const j = this.joiner;
    if (j === null) {
      this.joiner = waker;
    } else if (j instanceof JoinWaiters) {
      j.add(waker);
    } else if (j !== waker) {
      const all = new JoinWaiters();
      all.add(j);
      all.add(waker);
      this.joiner = all;
    }
  }

  /**
   * One awaiter gives up (futures/abandon.ts): its waker leaves; the task and the other
   * awaiters are untouched. The waker is woken once: another future inside the same
   * task may be awaiting this handle with the same waker, and must get the chance to
   * register again (a spurious poll, allowed by the poll contract, instead of a hang).
   */
  [ABANDON](waker?: Waker): void {
    if (waker === undefined || this.state >= COMPLETE) return;
    const j = this.joiner;
    if (j === waker) this.joiner = null;
    else if (!(j instanceof JoinWaiters) || !j.remove(waker)) return;
    waker.wake();
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
    if (this.detached) return; // a second detach must not report a failure twice
    this.flags |= 1;
    if (this.failedWithError()) this.scheduler.detachedTaskFailed(this, this.slot);
  }

  toPromise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const joiner = new PromiseJoiner(this, resolve, reject);
      if (this.state >= COMPLETE) joiner.wake();
      else this.addJoiner(joiner);
    });
  }

  /** @internal the outcome as PromiseJoiner delivers it. */
  settleInto(resolve: (value: T) => void, reject: (error: unknown) => void): void {
    if (this.state === COMPLETE) resolve(this.slot as T);
    else reject(new JoinError(this.state === FAILED ? "failed" : "cancelled", this.id, this.slot));
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.toPromise().then(onFulfilled, onRejected);
  }

  /** A FAILED task, or a CANCELLED one whose cleanup threw: something a detached task must report. */
  private failedWithError(): boolean {
    return this.state === FAILED || (this.state === CANCELLED && this.slot !== undefined);
  }

  /**
   * CANCELLED first (a wake from the cleanup then does nothing, a nested `cancel()`
   * returns false), then the cleanup, whose throw is kept, never rethrown.
   */
  private cancelFuture(): void {
    const future = this.slot as Future<T> | Co<T>;
    this.slot = undefined;
    this.state = CANCELLED;
    try {
      if ((this.flags & GENERATOR) !== 0) cancelGenerator(this, future as Co<T>, this);
      else abandon(future as Future<T>, this);
    } catch (error) {
      this.slot = error === undefined ? new Error("cleanup threw undefined") : error;
    }
    this.awaited = null;
    this.notifyJoiners();
    this.scheduler.taskEnded(this);
    if (this.slot !== undefined && this.detached) this.scheduler.detachedTaskFailed(this, this.slot);
  }

  private finish(state: number, output: unknown): void {
    this.state = state;
    this.slot = output;
    // `awaited` is null here on every path: resumeGenerator clears it before it
    // resumes the generator, whether the await produced a value or threw. The test
    // guards that invariant without a store on the path every finished task takes.
    if (this.awaited !== null) this.awaited = null;
    if (this.joiner !== null) this.notifyJoiners();
    this.scheduler.taskEnded(this);
    if (state === FAILED && this.detached) this.scheduler.detachedTaskFailed(this, output);
  }

  private notifyJoiners(): void {
    const j = this.joiner;
    this.joiner = null;
    if (j instanceof JoinWaiters) j.wakeAll();
    else j?.wake();
  }
}

/** A promise awaiting a task: a waker that settles the promise with the task's outcome. */
class PromiseJoiner<T> implements Waker {
  constructor(
    private readonly task: Task<T>,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
  ) {}
  wake(): void {
    this.task.settleInto(this.resolve, this.reject);
  }
}
