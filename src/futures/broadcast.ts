/**
 * A broadcast channel: every receiver sees every value, out of one bounded ring —
 * tokio's `sync::broadcast`.
 *
 * Invariants:
 * - Values are numbered 0, 1, 2, … in send order; the ring keeps the last
 *   `capacity` of them. A send never waits: a full ring overwrites its oldest value
 *   (a slow receiver must not stall the sender or the fast receivers).
 * - Each receiver has its own position `next`. While `next` is still in the ring it
 *   receives values in order, each exactly once. If values it had not read were
 *   overwritten, its next `recv` fails ONCE with {@link Lagged}`(n)` — n = how many it
 *   missed — and moves it to the oldest value still kept; the `recv` after that
 *   continues from there. A lag is reported, never silently skipped.
 * - Waiting `recv` futures park on one {@link WaiterList}; a send wakes them all
 *   (every receiver wants every value). A waiter keeps its key between polls and
 *   leaves on cancel, so the list holds only live waiters.
 * - After `close()` (of every sender), receivers drain what they have not read,
 *   then get {@link CLOSED}.
 */
import { BaseFuture } from "./base-future.js";
import { CLOSED, type Closed } from "./mpsc.js";
import { PENDING, type Context, type Poll } from "./poll.js";
import { WaiterList, type Waiter } from "./waiter-list.js";

/** A receiver fell behind: `skipped` values were overwritten before it read them. */
export class Lagged extends Error {
  constructor(readonly skipped: number) {
    super(`broadcast receiver lagged: ${skipped} value(s) overwritten before they were read`);
    this.name = "Lagged";
  }
}

class Ring<T> {
  readonly slots: (T | undefined)[];
  /** Number of the next value to be sent (= how many were sent). */
  tail = 0;
  senders = 1;
  receivers = 0;
  readonly waiters = new WaiterList();
  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }
  /** Number of the oldest value still kept. */
  get oldest(): number {
    return Math.max(0, this.tail - this.capacity);
  }
}

export class BroadcastSender<T> {
  private open = true;
  constructor(private readonly ring: Ring<T>) {}

  /** Send `value` to every receiver; returns how many receivers there are (0: the value is dropped, as tokio's `send`
   * errors). */
  send(value: T): number {
    const ring = this.ring;
    if (!this.open) throw new Error("broadcast: send on a sender that was closed");
    if (ring.receivers === 0) return 0;
    ring.slots[ring.tail % ring.capacity] = value;
    ring.tail++;
    ring.waiters.wakeAll();
    return ring.receivers;
  }

  /** A new receiver that sees values sent from now on. */
  subscribe(): BroadcastReceiver<T> {
    return new BroadcastReceiver(this.ring, this.ring.tail);
  }

  clone(): BroadcastSender<T> {
    if (!this.open) throw new Error("broadcast: clone of a sender that was closed");
    this.ring.senders++;
    return new BroadcastSender(this.ring);
  }

  /** This sender is done; when the last one closes, receivers drain and then get `CLOSED`. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (--this.ring.senders === 0) this.ring.waiters.wakeAll();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  get receiverCount(): number {
    return this.ring.receivers;
  }
}

export class BroadcastReceiver<T> {
  private open = true;
  /** @internal number of the next value this receiver reads. */
  next: number;

  constructor(
    private readonly ring: Ring<T>,
    next: number,
  ) {
    this.next = next;
    ring.receivers++;
  }

  /** The next value; fails once with `Lagged(n)` after falling behind; `CLOSED` when drained after the senders closed.
   * */
  recv(): BaseFuture<T | Closed> {
    return new Recv(this.ring, this);
  }

  /** The next value now, `PENDING` if none yet (throws `Lagged` like `recv`). */
  tryRecv(): T | Closed | typeof PENDING {
    return this.take();
  }

  /** Another receiver at this one's position. */
  clone(): BroadcastReceiver<T> {
    return new BroadcastReceiver(this.ring, this.next);
  }

  /** Values sent that this receiver has not read (capped by the ring's capacity). */
  get length(): number {
    return this.ring.tail - Math.max(this.next, this.ring.oldest);
  }

  /** Unsubscribe: later sends no longer count this receiver. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.ring.receivers--;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal one step of the receive state machine; PENDING means "park". */
  take(): T | Closed | typeof PENDING {
    const ring = this.ring;
    const oldest = ring.oldest;
    if (this.next < oldest) {
      const skipped = oldest - this.next;
      this.next = oldest;
      throw new Lagged(skipped);
    }
    if (this.next < ring.tail) return ring.slots[this.next++ % ring.capacity] as T;
    return ring.senders === 0 ? CLOSED : PENDING;
  }
}

class Recv<T> extends BaseFuture<T | Closed> {
  private key: Waiter | null = null;
  /** Set once settled, so that polling again gives the same outcome instead of reading on. */
  private settled: { value: T | Closed } | { error: unknown } | null = null;
  constructor(
    private readonly ring: Ring<T>,
    private readonly rx: BroadcastReceiver<T>,
  ) {
    super();
  }
  poll(cx: Context): Poll<T | Closed> {
    const settled = this.settled;
    if (settled !== null) {
      if ("error" in settled) throw settled.error;
      return settled.value;
    }
    let out: T | Closed | typeof PENDING;
    try {
      out = this.rx.take();
    } catch (error) {
      this.cancel();
      this.settled = { error };
      throw error;
    }
    if (out !== PENDING) {
      this.ring.waiters.done(this.key);
      this.key = null;
      this.settled = { value: out };
      return out;
    }
    this.key = this.ring.waiters.register(this.key, cx.waker);
    return PENDING;
  }
  override cancel(): void {
    // Every waiter is woken by each send, so a wake we did not use is nobody else's.
    this.ring.waiters.done(this.key);
    this.key = null;
  }
}

/** A broadcast channel keeping the last `capacity` values: `[sender, first receiver]`. */
export function broadcast<T>(capacity: number): [BroadcastSender<T>, BroadcastReceiver<T>] {
  if (!(Number.isInteger(capacity) && capacity >= 1))
    throw new RangeError(`broadcast: capacity must be a positive integer, got ${capacity}`);
  const ring = new Ring<T>(capacity);
  return [new BroadcastSender(ring), new BroadcastReceiver(ring, 0)];
}
