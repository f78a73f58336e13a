/**
 * An async mutex: `lock()` is a future that waits its turn; `tryLock()` answers at
 * once — the book's contrast between `std::sync::Mutex::try_lock` inside `poll`
 * (chapter 2: never block the executor on a lock) and `tokio::sync::Mutex`.
 *
 * Fairness: waiters are served first-come first-served. On unlock the lock is
 * *handed* to the oldest waiter (it stays locked), instead of being released for
 * whoever polls first — otherwise a task that re-locks in a loop could starve the
 * queue, because it runs before the woken waiter gets polled.
 *
 * Invariants (waiters park on one {@link WaiterList}):
 * - `locked` is true while a guard is out *or* the lock was handed to a waiter that
 *   has not polled yet (its key is NOTIFIED). Unlocked implies nobody waits.
 * - A lock future keeps its key between polls, so polling it again never grows the list.
 * - A waiting lock future that is cancelled just leaves the line. One that was
 *   handed the lock but cancelled before it took it passes the lock on (to the next
 *   waiter, with the wake-up) or releases it — never keeps it, never drops the
 *   wake-up of the one behind it.
 * - A lock future that returned a guard returns PolledAfterCompletion if polled again:
 *   a second guard would be a second owner.
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "./poll.js";
import { WaiterList, type Waiter } from "./waiter-list.js";

/** Proof of holding the lock; `release()` (or `[Symbol.dispose]`) gives it up. */
export class MutexGuard<T> {
  private released = false;
  constructor(private readonly mutex: Mutex<T>) {}
  get value(): T {
    if (this.released) throw new Error("MutexGuard used after release");
    return this.mutex.data;
  }
  set value(v: T) {
    if (this.released) throw new Error("MutexGuard used after release");
    this.mutex.data = v;
  }
  release(): void {
    if (this.released) return;
    this.released = true;
    this.mutex.unlock();
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

class LockFuture<T> extends BaseFuture<MutexGuard<T>> {
  private key: Waiter | null = null;
  private done = false;
  constructor(private readonly mutex: Mutex<T>) {
    super();
  }
  poll(cx: Context): Poll<MutexGuard<T>> {
    if (this.done) throw new PolledAfterCompletion("Mutex.lock()");
    const mutex = this.mutex;
    const key = this.key;
    // Handed over by unlock (key NOTIFIED, lock kept locked for us), or free with nobody in line.
    if ((key !== null && key.notified) || mutex.tryTake()) {
      mutex.waiters.done(key);
      this.key = null;
      this.done = true;
      return new MutexGuard(mutex);
    }
    this.key = mutex.waiters.register(key, cx.waker);
    return PENDING;
  }
  override cancel(): void {
    if (this.done) return;
    this.done = true;
    const key = this.key;
    this.key = null;
    if (key === null) return;
    const handedOver = key.notified;
    this.mutex.waiters.done(key);
    // Handed the lock but never took it: pass it on, or it would stay locked forever.
    if (handedOver) this.mutex.unlock();
  }
}

export class Mutex<T> {
  private locked = false;
  /** @internal */ readonly waiters = new WaiterList();
  /** @internal read through a guard */
  data: T;

  constructor(value: T) {
    this.data = value;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Lock futures waiting in line (for tests and diagnostics). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** The lock now, or `null` if it is held (the book's `try_lock` "would block"). */
  tryLock(): MutexGuard<T> | null {
    return this.tryTake() ? new MutexGuard(this) : null;
  }

  /** A future that resolves to the guard once it is this caller's turn. */
  lock(): BaseFuture<MutexGuard<T>> {
    return new LockFuture(this);
  }

  /** @internal take the lock if it is free and nobody is in line. */
  tryTake(): boolean {
    if (this.locked || this.waiters.length > 0) return false;
    this.locked = true;
    return true;
  }

  /** @internal hand the lock to the oldest waiter (it stays locked), or release it. */
  unlock(): void {
    if (!this.waiters.wakeOne()) this.locked = false;
  }
}
