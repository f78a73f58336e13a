/**
 * A mailbox: the queue of messages an actor has not handled yet.
 *
 * Invariants:
 * 1. Messages leave in the order they arrived (one FIFO ring per actor).
 * 2. At most `capacity` messages are queued. `offer` past that returns false (a
 *    `tell` reports it); a `send` (or an `ask`, or a background task's result)
 *    waits in `room`, the waiter list (futures/waiter-list.ts): each message the
 *    actor takes out wakes the oldest waiter; a waiter that gives up leaves the
 *    line and passes on a wake-up it had not used, so an abandoned send never
 *    strands the sender behind it.
 * 3. The actor's loop is woken only on the empty → non-empty edge it asked for
 *    (`park`). So a burst of a million tells costs one wake, not a million —
 *    a wake per tell is the rejected alternative (it measured ~3× slower).
 *
 * 4. A priority lane (`offerPriority`, rsactor's `tell_priority`) is a second ring,
 *    built on first use and unbounded: `take` serves it before the normal lane, so a
 *    control message overtakes a backlog. Messages of one lane keep their order.
 *
 * Why a hand-rolled ring and not an array with `shift()`: `shift` turns O(n) once
 * V8 leaves its fast path, and `push`/`shift` on a plain array reallocates as the
 * queue breathes. The ring grows by doubling and never shrinks below its start size.
 */
import type { Waker } from "../futures/poll.js";
import { WaiterList, type Waiter } from "../futures/waiter-list.js";
import { MAILBOX_INITIAL_CAPACITY } from "../runtime/config.js";

export class Mailbox<M> {
  private buffer: (M | undefined)[];
  private mask: number;
  private head = 0;
  private length = 0;
  /** The actor loop's waker while it waits for a message, else null. */
  private parked: Waker | null = null;
  /** Futures waiting for room (bounded mailboxes only; built on first use). */
  private room: WaiterList | null = null;
  /** True once the actor stops taking messages. */
  closed = false;
  /** The priority lane (invariant 4), null until first used. */
  private urgent: Mailbox<M> | null = null;
  /**
   * What `offer` compares the length with: the capacity as a small integer (an
   * unbounded mailbox's Infinity is a boxed double), and 0 once closed — one test
   * instead of two on the hot path of every tell (~4 % of a burst of remote tells'
   * receiving side). A capacity past 2^30 - 1 is that: no ring that large can exist.
   */
  private limit: number;

  constructor(readonly capacity: number = Infinity) {
    if (!(capacity >= 1)) throw new RangeError(`mailbox capacity must be >= 1, got ${capacity}`);
    // Always start small, bounded or not: the ring grows on demand, and an idle
    // actor must stay cheap (a ring sized to the capacity up front cost 8 KiB each).
    this.buffer = new Array(MAILBOX_INITIAL_CAPACITY);
    this.mask = MAILBOX_INITIAL_CAPACITY - 1;
    this.limit = Math.min(Math.ceil(capacity), 0x3fff_ffff);
  }

  /** Messages queued in the normal lane. */
  get size(): number {
    return this.length;
  }

  /** Queue `message` in the priority lane unless closed. */
  offerPriority(message: M): boolean {
    if (this.closed) return false;
    (this.urgent ??= new Mailbox<M>()).offer(message);
    const parked = this.parked;
    if (parked !== null) {
      this.parked = null;
      parked.wake();
    }
    return true;
  }

  get isFull(): boolean {
    return this.length >= this.capacity;
  }

  /** Queue `message` unless full or closed; false means it was not queued. The hot path of `tell`. */
  offer(message: M): boolean {
    const length = this.length;
    if (length >= this.limit) return false;
    if (length === this.buffer.length) this.grow();
    this.buffer[(this.head + length) & this.mask] = message;
    this.length = length + 1;
    const parked = this.parked;
    if (parked !== null) {
      this.parked = null;
      parked.wake();
    }
    return true;
  }

  /** Next message, or `undefined` when empty. Frees one slot for a waiting `send`. */
  take(): M | undefined {
    const urgent = this.urgent;
    if (urgent !== null && urgent.length > 0) return urgent.take();
    if (this.length === 0) return undefined;
    const head = this.head;
    const message = this.buffer[head];
    this.buffer[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.length--;
    const room = this.room;
    if (room !== null && room.length > 0) room.wakeOne();
    return message;
  }

  /** The actor loop found the mailbox empty: wake `waker` on the next `offer`. */
  park(waker: Waker): void {
    this.parked = waker;
  }

  /**
   * A future waits for room: pass the key from its previous poll (null the first
   * time) and keep the one returned. Call {@link leaveRoom} when it gives up and
   * {@link doneWithRoom} once its message is queued.
   */
  waitForRoom(key: Waiter | null, waker: Waker): Waiter {
    return (this.room ??= new WaiterList()).register(key, waker);
  }

  /** The waiter gave up: out of line, and an unused wake-up goes to the next one. */
  leaveRoom(key: Waiter | null): void {
    this.room?.leave(key);
  }

  /** The waiter's message is queued (or it failed): out of line. */
  doneWithRoom(key: Waiter | null): void {
    this.room?.done(key);
  }

  /** Waiters in line for room. */
  get waitingForRoom(): number {
    return this.room?.length ?? 0;
  }

  /** Close: no more offers; drop what is queued (a kill) if `drop`. Wakes every waiting sender so it sees `closed`. */
  close(drop: boolean): M[] {
    this.closed = true;
    this.limit = 0;
    const dropped: M[] = [];
    if (drop) {
      for (let m = this.take(); m !== undefined; m = this.take()) dropped.push(m);
    }
    this.urgent?.close(drop);
    this.room?.wakeAll();
    return dropped;
  }

  private grow(): void {
    const old = this.buffer;
    const next = new Array<M | undefined>(old.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = old[(this.head + i) & this.mask];
    this.buffer = next;
    this.mask = next.length - 1;
    this.head = 0;
  }
}
