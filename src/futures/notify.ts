/**
 * `Notify`: wake one task, or every task waiting right now, with no data — tokio's
 * `sync::Notify`, on the one {@link WaiterList}.
 *
 * Invariants:
 * - `notifyOne()` wakes the oldest waiting `notified()` future. If nobody waits it
 *   stores ONE permit (several calls still store one), and the next `notified()`
 *   consumes it and is ready at once — so a notify that races ahead of the wait is
 *   not lost.
 * - A `notifyOne` wake is a resource: a `notified()` future that was woken by it
 *   but cancelled before it was polled passes it on (to the next waiter, or back
 *   into the stored permit). Otherwise the only notification would die with it.
 * - `notifyWaiters()` wakes every `notified()` future that exists now — including
 *   ones created but not yet polled (tokio does the same: they read a counter at
 *   creation) — and stores nothing. A future created after it does not see it; a
 *   woken future that is cancelled passes nothing on.
 * - A waiting future keeps its key between polls, so polling again never grows the
 *   list; a cancelled one leaves at once; a settled one stays ready if polled again.
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, type Context, type Poll } from "./poll.js";
import { Waiter, WaiterList } from "./waiter-list.js";

/** A waiter that knows whether the wake it holds came from `notifyOne`. */
class NotifyWaiter extends Waiter {
  byOne = false;
}

class Notified extends BaseFuture<void> {
  private key: NotifyWaiter | null = null;
  private done = false;
  private readonly epoch: number;
  constructor(private readonly notify: Notify) {
    super();
    this.epoch = notify.epoch;
  }

  poll(cx: Context): Poll<void> {
    if (this.done) return undefined;
    const notify = this.notify;
    const key = this.key;
    if (
      (key !== null && key.notified && key.byOne) ||
      notify.epoch !== this.epoch ||
      (key === null && notify.takePermit())
    ) {
      notify.waiters.done(key);
      this.key = null;
      this.done = true;
      return undefined;
    }
    this.key = notify.waiters.register(key ?? new NotifyWaiter(), cx.waker) as NotifyWaiter;
    this.key.byOne = false;
    return PENDING;
  }

  override cancel(): void {
    if (this.done) return;
    this.done = true;
    const key = this.key;
    this.key = null;
    if (key === null) return;
    const heldOne = key.notified && key.byOne;
    this.notify.waiters.done(key);
    if (heldOne) this.notify.notifyOne();
  }
}

export class Notify {
  /** @internal bumped by every notifyWaiters(). */
  epoch = 0;
  private permit = false;
  /** @internal */ readonly waiters = new WaiterList();

  /** `notified()` futures waiting in line (for tests and diagnostics). */
  get waiting(): number {
    return this.waiters.length;
  }

  /** True while a `notifyOne` is stored for the next waiter. */
  get hasPermit(): boolean {
    return this.permit;
  }

  /** A future ready at the next notification meant for it (see the module doc). */
  notified(): BaseFuture<void> {
    return new Notified(this);
  }

  /** Wake the oldest waiter, or store one permit if nobody waits. */
  notifyOne(): void {
    const head = this.waiters.first as NotifyWaiter | null;
    if (head === null) {
      this.permit = true;
      return;
    }
    head.byOne = true;
    this.waiters.wakeOne();
  }

  /** Wake every current waiter (also those created but not yet polled); store nothing. */
  notifyWaiters(): void {
    this.epoch++;
    this.waiters.wakeAll();
  }

  /** @internal */
  takePermit(): boolean {
    const had = this.permit;
    this.permit = false;
    return had;
  }
}
