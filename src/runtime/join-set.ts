/**
 * `JoinSet`: a set of spawned tasks whose results come back in the order they
 * finish — tokio's `task::JoinSet`.
 *
 * Invariants:
 * - Every task spawned into the set yields exactly one outcome to `joinNext`:
 *   its value, or a `JoinError` ("failed" with the throw as cause, or "cancelled").
 *   Outcomes queue in finishing order; none is lost when nobody is waiting, and
 *   none is reported twice.
 * - `joinNext` resolves to `{ done: true }` only when the set holds nothing: no
 *   running task and no queued outcome. Waiting `joinNext` futures park on a
 *   {@link WaiterList}; a finished task wakes one; a woken `joinNext` that is
 *   cancelled passes the wake to the next one (its outcome stays queued).
 * - `abortAll()` cancels every running task (their generators' `finally` blocks
 *   run); each then reports "cancelled" through `joinNext`. Disposing the set
 *   (`using set = new JoinSet()`, or `shutdown()`) aborts what runs and drops the
 *   queued outcomes.
 *
 * How: each task's future is wrapped in a {@link Member} that polls the work and
 * records its outcome in the set the moment it ends — from `poll` (value or throw)
 * or from `cancel` (also when the task is cancelled before its first poll, when a
 * generator would not even run its `finally`). A throw from the work's cleanup
 * during a cancel is kept as the cause of the "cancelled" JoinError and does not
 * reach the canceller. The set does not poll the tasks' join handles, so a
 * handle can still be awaited elsewhere without competing for its wake-up.
 */
import { BaseFuture } from "../futures/base-future.js";
import { GeneratorFuture, isGenerator, type Co } from "../futures/generator-future.js";
import { PENDING, type Context, type Future, type Poll } from "../futures/poll.js";
import { WaiterList, type Waiter } from "../futures/waiter-list.js";
import { spawnerHere, type Spawner } from "./current.js";
import { JoinError, type JoinHandle, type SpawnOptions } from "./task.js";

/** What `joinNext` resolves to. */
export type JoinNext<T> =
  | { done: true }
  | { done: false; id: number; ok: true; value: T }
  | { done: false; id: number; ok: false; error: JoinError };

/** A task in the set: its id, whether it ended, and `cancel()`. */
export interface AbortHandle {
  readonly id: number;
  readonly finished: boolean;
  /** Cancel the task; it reports "cancelled" through `joinNext`. False if it had already ended. */
  cancel(): boolean;
}

export class JoinSet<T> {
  private readonly tasks = new Map<number, JoinHandle<void>>();
  private readonly outcomes: JoinNext<T>[] = [];
  /** @internal */ readonly waiters = new WaiterList();

  /** Spawn onto `runtime`, or the current one (as `spawn()`) when not given. */
  constructor(private readonly runtime?: Spawner) {}

  /** Tasks still running. */
  get running(): number {
    return this.tasks.size;
  }

  /** Tasks running plus outcomes not yet taken by `joinNext`. */
  get size(): number {
    return this.tasks.size + this.outcomes.length;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Spawn `work` into the set. */
  spawn(work: Future<T> | Co<T>, options?: SpawnOptions): AbortHandle {
    const member = new Member(this, isGenerator(work) ? new GeneratorFuture(work) : work);
    const handle = (this.runtime ?? spawnerHere()).spawn(member, options);
    member.id = handle.id;
    this.tasks.set(handle.id, handle);
    return handle;
  }

  /** The next outcome in finishing order, or `{ done: true }` once the set is empty. */
  joinNext(): BaseFuture<JoinNext<T>> {
    return new JoinNextFuture(this);
  }

  /** The next queued outcome now, or null if none has finished yet (or the set is empty). */
  tryJoinNext(): JoinNext<T> | null {
    return this.outcomes.shift() ?? (this.tasks.size === 0 ? { done: true } : null);
  }

  /** Cancel every running task; each reports "cancelled" through `joinNext`. */
  abortAll(): void {
    for (const handle of [...this.tasks.values()]) handle.cancel();
  }

  /** Abort every task and forget every outcome not yet taken. */
  shutdown(): void {
    this.abortAll();
    // A task cancelled from inside its own poll ends after that poll: forget it now.
    this.tasks.clear();
    this.outcomes.length = 0;
    this.waiters.wakeAll();
  }

  [Symbol.dispose](): void {
    this.shutdown();
  }

  /** @internal */
  take(): JoinNext<T> | null {
    return this.tryJoinNext();
  }

  /** @internal a member task ended. */
  record(id: number, outcome: JoinNext<T>): void {
    if (!this.tasks.delete(id)) return; // forgotten by shutdown()
    this.outcomes.push(outcome);
    this.waiters.wakeOne();
  }
}

class JoinNextFuture<T> extends BaseFuture<JoinNext<T>> {
  private key: Waiter | null = null;
  /** Kept so that polling again after it settled gives the same outcome, not the next one. */
  private result: JoinNext<T> | null = null;
  constructor(private readonly set: JoinSet<T>) {
    super();
  }
  poll(cx: Context): Poll<JoinNext<T>> {
    if (this.result !== null) return this.result;
    const set = this.set;
    const out = set.take();
    if (out !== null) {
      set.waiters.done(this.key);
      this.key = null;
      this.result = out;
      return out;
    }
    this.key = set.waiters.register(this.key, cx.waker);
    return PENDING;
  }
  override cancel(): void {
    this.set.waiters.leave(this.key);
    this.key = null;
  }
}

/** The future a set's task runs: the work, plus "tell the set how it ended", exactly once. */
class Member<T> extends BaseFuture<void> {
  id = 0;
  private ended = false;
  constructor(
    private readonly set: JoinSet<T>,
    private readonly work: Future<T>,
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    let value: Poll<T>;
    try {
      value = this.work.poll(cx);
    } catch (error) {
      this.end({ done: false, id: this.id, ok: false, error: new JoinError("failed", this.id, error) });
      return undefined;
    }
    if (value === PENDING) return PENDING;
    this.end({ done: false, id: this.id, ok: true, value });
    return undefined;
  }
  override cancel(): void {
    if (this.ended) return;
    let cause: unknown = undefined;
    try {
      this.work.cancel?.();
    } catch (error) {
      cause = error;
    }
    this.end({ done: false, id: this.id, ok: false, error: new JoinError("cancelled", this.id, cause) });
  }
  private end(outcome: JoinNext<T>): void {
    if (this.ended) return;
    this.ended = true;
    this.set.record(this.id, outcome);
  }
}
