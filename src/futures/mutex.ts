/**
 * An async mutex: `lock()` is a future that waits its turn; `tryLock()` answers at
 * once — the book's contrast between `std::sync::Mutex::try_lock` inside `poll`
 * (chapter 2: never block the executor on a lock) and `tokio::sync::Mutex`.
 *
 * Fairness: waiters are served first-come first-served. On unlock the lock is
 * *handed* to the oldest waiter (it stays locked), instead of being released for
 * whoever polls first — otherwise a task that re-locks in a loop could starve the
 * queue, because it runs before the woken waiter gets polled.
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll, type Waker } from "./poll.js";

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
  waker: Waker | null = null;
  granted = false;
  private done = false;
  constructor(private readonly mutex: Mutex<T>) {
    super();
  }
  poll(cx: Context): Poll<MutexGuard<T>> {
    if (this.done) throw new PolledAfterCompletion("Mutex.lock()");
    if (this.granted || this.mutex.acquireFor(this)) {
      this.done = true;
      return new MutexGuard(this.mutex);
    }
    this.waker = cx.waker;
    return PENDING;
  }
  override cancel(): void {
    if (this.done) return;
    this.done = true;
    // Handed the lock but never took it: pass it on, or it would stay locked forever.
    if (this.granted) this.mutex.unlock();
    else this.mutex.forget(this);
  }
}

export class Mutex<T> {
  private locked = false;
  private readonly waiters: LockFuture<T>[] = [];
  /** @internal read through a guard */
  data: T;

  constructor(value: T) {
    this.data = value;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** The lock now, or `null` if it is held (the book's `try_lock` "would block"). */
  tryLock(): MutexGuard<T> | null {
    if (this.locked || this.waiters.length > 0) return null;
    this.locked = true;
    return new MutexGuard(this);
  }

  /** A future that resolves to the guard once it is this caller's turn. */
  lock(): BaseFuture<MutexGuard<T>> {
    return new LockFuture(this);
  }

  /** @internal */
  acquireFor(waiter: LockFuture<T>): boolean {
    if (!this.locked && this.waiters.length === 0) {
      this.locked = true;
      return true;
    }
    if (!this.waiters.includes(waiter)) this.waiters.push(waiter);
    return false;
  }

  /** @internal */
  forget(waiter: LockFuture<T>): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }

  /** @internal hand the lock to the oldest waiter, or release it. */
  unlock(): void {
    const next = this.waiters.shift();
    if (next === undefined) {
      this.locked = false;
      return;
    }
    next.granted = true;
    next.waker?.wake();
  }
}
