/**
 * The waiter list: the one way a future parks a waker on something it waits for.
 *
 * Every primitive that can say "not yet" — a join handle, a channel, a mutex, a
 * semaphore, a bounded mailbox, a bus subscriber — keeps its waiting wakers here,
 * so they all keep the same three promises:
 *   1. anything awaitable can have any number of waiters;
 *   2. a waiter that gives up (lost a `select`, hit a `timeout`, its task was
 *      cancelled) leaves at once, and a wake-up it was handed but never used is
 *      passed on to the next waiter instead of being swallowed;
 *   3. polling the same waiter again and again never grows the list.
 *
 * The protocol (smol's `event-listener` and tokio's `Notify` work the same way):
 *
 *   waiter state:   (none) ──register──▶ WAITING ──wakeOne/wakeAll──▶ NOTIFIED
 *                              ▲  │ register again: the waker is replaced in place
 *                              │  ▼
 *                   NOTIFIED ──register (poll found it still not ready)──▶ WAITING (at the back)
 *   leave(waiter):  WAITING → gone;  NOTIFIED → gone, and the notification moves on (wakeOne)
 *   done(waiter):   any → gone; a notification it holds was used, so nothing moves on
 *
 * - Who registers: the future, on every poll that returns PENDING, passing back
 *   the key it got last time (`this.key = list.register(this.key, cx.waker)`).
 *   A key still WAITING keeps its place in line and only swaps its waker (a task
 *   may be polled with a different waker after it moved), so the list never grows.
 * - Who removes: the future itself — `done` when its poll finally returns a value
 *   (or throws), `leave` from its `cancel()`. The primitive removes entries only by
 *   waking them: `wakeOne` takes the oldest WAITING entry off the list and marks
 *   it NOTIFIED; `wakeAll` does that to every entry.
 * - What a wake does to an entry that left: nothing — it is no longer in the list,
 *   so `wakeOne` cannot pick it; the wake goes to the next live waiter. And a
 *   NOTIFIED entry that leaves before it used its turn hands the turn to the next
 *   waiter: without that, a sender cancelled between "room freed, you're next" and
 *   its next poll would keep the only wake-up, and the sender behind it would wait
 *   forever with the mailbox empty.
 *
 * - A wake that carries a resource (a mutex handed over, permits assigned, a channel
 *   slot reserved) is not a plain notification: `leave` would pass on the wake but
 *   not the resource. Such primitives read `first` before `wakeOne` to know whom
 *   they handed it to, and a cancelled holder calls `done` and gives the resource
 *   back through the primitive, which hands it to the next waiter with its wake.
 *
 * Why a doubly-linked list of key objects and not an array of wakers: leaving from
 * the middle is O(1) and needs no search, and a key is a stable identity the
 * future can keep between polls (an array index would shift).
 *
 * Order is FIFO: `wakeOne` wakes the waiter that has waited longest, which is what
 * makes a semaphore or a bounded channel built on it fair. A deterministic
 * scheduler that wants to explore other orders can pass a `choose` function to
 * `wakeOne`; it picks an index among the waiting entries.
 */
import type { Waker } from "./poll.js";

const WAITING = 1;
const NOTIFIED = 2;
const GONE = 0;

/** A place in a {@link WaiterList}. Keep it between polls; its fields are the list's. */
export class Waiter {
  /** @internal */ waker: Waker | null = null;
  /** @internal */ prev: Waiter | null = null;
  /** @internal */ next: Waiter | null = null;
  /** @internal */ state: number = GONE;
  /** @internal */ list: WaiterList | null = null;

  /** True after a wake reached this waiter and before it registered again or left. */
  get notified(): boolean {
    return this.state === NOTIFIED;
  }
  /** True while this waiter is in line. */
  get waiting(): boolean {
    return this.state === WAITING;
  }
}

/** Picks one of `count` waiting entries (0 is the oldest). Used by deterministic schedulers. */
export type WaiterChooser = (count: number) => number;

export class WaiterList {
  private head: Waiter | null = null;
  private tail: Waiter | null = null;
  private count = 0;

  /** Waiters in line (NOTIFIED ones have already left the line). */
  get length(): number {
    return this.count;
  }

  /**
   * The oldest waiter in line (the one `wakeOne()` wakes next), or null. Primitives
   * that hand a resource over (permits, a lock, a channel slot) read what the head
   * asked for before they wake it, so the resource and the wake-up go together.
   */
  get first(): Waiter | null {
    return this.head;
  }

  /**
   * Park `waker`. Pass the key from the previous poll (or null the first time) and
   * keep the one returned. A key already in line keeps its place.
   */
  register(key: Waiter | null, waker: Waker): Waiter {
    if (key === null) key = new Waiter();
    else if (key.list !== null && key.list !== this) throw new Error("waiter key belongs to another list");
    key.waker = waker;
    if (key.state !== WAITING) this.append(key);
    return key;
  }

  /**
   * The waiter gives up (its future was cancelled). Leaves the line; if it held a
   * wake-up it had not used yet, that wake-up goes to the next waiter. Safe on
   * null and on a key that already left.
   */
  leave(key: Waiter | null): void {
    if (key === null) return;
    const state = key.state;
    if (state === WAITING) this.unlink(key);
    key.state = GONE;
    key.waker = null;
    key.list = null;
    if (state === NOTIFIED) this.wakeOne();
  }

  /** The waiter got what it waited for (or failed): it leaves, and nothing is passed on. */
  done(key: Waiter | null): void {
    if (key === null) return;
    if (key.state === WAITING) this.unlink(key);
    key.state = GONE;
    key.waker = null;
    key.list = null;
  }

  /**
   * Wake the oldest waiter (or the one `choose` picks). Returns false when nobody
   * was waiting — the caller decides whether to store the wake-up (a `Notify`
   * permit) or drop it (a channel that will be polled anyway).
   */
  wakeOne(choose?: WaiterChooser): boolean {
    let key = this.head;
    if (key === null) return false;
    if (choose !== undefined && this.count > 1) {
      let index = choose(this.count);
      while (index-- > 0 && key.next !== null) key = key.next;
    }
    this.unlink(key);
    key.state = NOTIFIED;
    const waker = key.waker;
    key.waker = null;
    waker!.wake();
    return true;
  }

  /** Wake every waiter in line, oldest first. Returns how many were woken. */
  wakeAll(): number {
    let woken = 0;
    // Detach the whole line first: a waker that runs synchronously and registers
    // again must join a fresh line, not be woken twice by this loop.
    let key = this.head;
    this.head = this.tail = null;
    this.count = 0;
    while (key !== null) {
      const next = key.next;
      key.prev = key.next = null;
      key.state = NOTIFIED;
      const waker = key.waker;
      key.waker = null;
      waker!.wake();
      woken++;
      key = next;
    }
    return woken;
  }

  private append(key: Waiter): void {
    key.state = WAITING;
    key.list = this;
    key.next = null;
    key.prev = this.tail;
    if (this.tail === null) this.head = key;
    else this.tail.next = key;
    this.tail = key;
    this.count++;
  }

  private unlink(key: Waiter): void {
    const { prev, next } = key;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    key.prev = key.next = null;
    this.count--;
  }
}
