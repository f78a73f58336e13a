/**
 * The awaiters of one `JoinHandle` beyond the first: tasks that poll it, and the
 * promises made by `then` / `toPromise`.
 *
 * Invariants:
 * 1. An awaiter is known by its waker. A task polls with itself as the waker, so a
 *    task that polls the handle again finds its entry and keeps it (the list never
 *    grows with repeated polls); a promise registers one waker of its own, once.
 * 2. Entries leave in two ways only: all at once when the task ends (`wakeAll`), or
 *    one by one when an awaiter gives up (`remove`, from the handle's ABANDON).
 * 3. Every entry is a {@link Waiter} of one {@link WaiterList}, the protocol every parked
 *    future uses; a handle only ever wakes all of them, so no wake-up is handed on.
 *
 * Why a separate object: nearly every handle has one awaiter at most (spawn, then
 * await once), which the task keeps in a field of its own. This object, with its
 * map, is made only for a second awaiter.
 */
import type { Waker } from "../futures/poll.js";
import { WaiterList, type Waiter } from "../futures/waiter-list.js";

export class JoinWaiters {
  private readonly list = new WaiterList();
  private readonly keys = new Map<Waker, Waiter>();

  /** Awaiters in line. */
  get size(): number {
    return this.list.length;
  }

  has(waker: Waker): boolean {
    return this.keys.has(waker);
  }

  /** Register `waker`; a waker already in line keeps its place. */
  add(waker: Waker): void {
    const key = this.keys.get(waker);
    if (key !== undefined && key.waiting) return;
    this.keys.set(waker, this.list.register(key ?? null, waker));
  }

  /** Take `waker` out of line. False if it was not in it. */
  remove(waker: Waker): boolean {
    const key = this.keys.get(waker);
    if (key === undefined) return false;
    this.keys.delete(waker);
    this.list.done(key);
    return true;
  }

  /** Wake every awaiter, oldest first, and empty the line. */
  wakeAll(): void {
    this.keys.clear();
    this.list.wakeAll();
  }
}
