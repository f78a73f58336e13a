/**
 * A counting semaphore with fair, FIFO `acquire(n)` — tokio's `Semaphore` (its
 * "batch semaphore"), on the one {@link WaiterList}.
 *
 * Invariants:
 * - Fair: permits go to waiters strictly in arrival order. A request for many at
 *   the head of the line blocks smaller ones behind it, even when there would be
 *   enough for them (otherwise a big request could starve forever behind a stream
 *   of small ones). A fresh `acquire` never overtakes the line either.
 * - Permits are *assigned* to the head waiter as they come back, a part at a time:
 *   the head holds what it has been given so far, and is woken (taken off the line)
 *   only once it holds all it asked for. So a wake-up always carries its permits.
 *   Invariant: permits are free only while nobody waits.
 * - Conservation: `available + (permits held by guards) + (permits assigned to
 *   waiters) = total`, where total changes only by `addPermits`. No path loses one:
 *   a guard's `release()`, and a waiter cancelled while holding some or all of its
 *   request, both give them back through `release`, which re-assigns them in line.
 * - A waiter keeps its key between polls, so polling again never grows the list.
 * - `close()`: waiters and later acquires fail with `SemaphoreClosed`; permits
 *   already out may still be released.
 * - An acquire future that returned its permit throws PolledAfterCompletion if
 *   polled again: handing out the same permits twice would break conservation.
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "./poll.js";
import { Waiter, WaiterList } from "./waiter-list.js";

/** `acquire` on a closed semaphore. */
export class SemaphoreClosed extends Error {
  constructor() {
    super("semaphore closed");
    this.name = "SemaphoreClosed";
  }
}

/** Permits held; `release()` (or `using`) gives them back. Releasing twice is a no-op. */
export class SemaphorePermit {
  private held: number;
  constructor(
    private readonly semaphore: Semaphore,
    permits: number,
  ) {
    this.held = permits;
  }
  /** How many permits this guard holds. */
  get permits(): number {
    return this.held;
  }
  release(): void {
    const n = this.held;
    this.held = 0;
    if (n > 0) this.semaphore.release(n);
  }
  /** Keep the permits for good (tokio's `forget`): they leave the semaphore. */
  forget(): void {
    this.held = 0;
  }
  [Symbol.dispose](): void {
    this.release();
  }
}

/** A place in line: what it asked for and what it was given so far. */
class PermitWaiter extends Waiter {
  constructor(readonly wanted: number) {
    super();
  }
  assigned = 0;
}

class Acquire extends BaseFuture<SemaphorePermit> {
  private key: PermitWaiter | null = null;
  private done = false;
  constructor(
    private readonly semaphore: Semaphore,
    private readonly wanted: number,
  ) {
    super();
  }

  poll(cx: Context): Poll<SemaphorePermit> {
    if (this.done) throw new PolledAfterCompletion("Semaphore.acquire()");
    const sem = this.semaphore;
    const key = this.key;
    // Whole: assign() woke us with everything we asked for. (A wake from close() is not one.)
    if (key !== null && key.assigned === key.wanted) return this.finish(key);
    if (sem.closed) {
      this.cancel();
      throw new SemaphoreClosed();
    }
    if (key === null && sem.tryTake(this.wanted)) {
      this.done = true;
      return new SemaphorePermit(sem, this.wanted);
    }
    // First poll joins the line; later polls (spurious wakes) only swap the waker.
    const k = key ?? new PermitWaiter(this.wanted);
    this.key = sem.waiters.register(k, cx.waker) as PermitWaiter;
    // Joining an empty line with permits free: what is there is ours to start with.
    if (key === null) sem.assign();
    if (this.key.assigned === this.key.wanted) return this.finish(this.key);
    return PENDING;
  }

  private finish(key: PermitWaiter): SemaphorePermit {
    this.semaphore.waiters.done(key);
    this.key = null;
    this.done = true;
    return new SemaphorePermit(this.semaphore, key.wanted);
  }

  override cancel(): void {
    if (this.done) return;
    this.done = true;
    const key = this.key;
    this.key = null;
    if (key === null) return;
    const given = key.assigned;
    this.semaphore.waiters.done(key);
    // Permits assigned to us (all of them if we were already woken) go back in line.
    if (given > 0) this.semaphore.release(given);
  }
}

export class Semaphore {
  private free: number;
  /** @internal */ closed = false;
  /** @internal */ readonly waiters = new WaiterList();

  constructor(permits: number) {
    if (!(Number.isInteger(permits) && permits >= 0))
      throw new RangeError(`Semaphore: permits must be a non-negative integer, got ${permits}`);
    this.free = permits;
  }

  /** Permits not held by anyone and not assigned to a waiter. */
  get available(): number {
    return this.free;
  }

  /** Waiters in line (for tests and diagnostics). */
  get waiting(): number {
    return this.waiters.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A future of `n` permits (default 1), granted in arrival order. Fails with `SemaphoreClosed` after `close()`. */
  acquire(n = 1): BaseFuture<SemaphorePermit> {
    if (!(Number.isInteger(n) && n >= 1))
      throw new RangeError(`Semaphore.acquire: n must be a positive integer, got ${n}`);
    return new Acquire(this, n);
  }

  /** `n` permits now, or null if nobody is in line and enough are free. */
  tryAcquire(n = 1): SemaphorePermit | null {
    if (this.closed || !this.tryTake(n)) return null;
    return new SemaphorePermit(this, n);
  }

  /** Give `n` permits (back) to the semaphore; waiters in line get them first. */
  addPermits(n: number): void {
    this.release(n);
  }

  /** Fail every waiter and every later `acquire` with `SemaphoreClosed`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Each woken waiter sees `closed`, gives back what it was assigned, and throws.
    this.waiters.wakeAll();
  }

  /** @internal take `n` at once if nobody is in line (fairness) and enough are free. */
  tryTake(n: number): boolean {
    if (this.waiters.length > 0 || this.free < n) return false;
    this.free -= n;
    return true;
  }

  /** @internal */
  release(n: number): void {
    this.free += n;
    this.assign();
  }

  /** @internal hand free permits to the head of the line, waking each waiter that is now whole. */
  assign(): void {
    for (
      let head = this.waiters.first as PermitWaiter | null;
      head !== null && this.free > 0;
      head = this.waiters.first as PermitWaiter | null
    ) {
      const give = Math.min(this.free, head.wanted - head.assigned);
      head.assigned += give;
      this.free -= give;
      if (head.assigned < head.wanted) return;
      this.waiters.wakeOne();
    }
  }
}
