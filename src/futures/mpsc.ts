/**
 * A multi-producer channel, bounded or unbounded — tokio's `sync::mpsc`.
 *
 * Invariants:
 * - Exactly once, in order: every value a `send` accepted is received once, in the
 *   order the sends completed. After `rx.close()` no send is accepted, and what was
 *   already queued can still be received.
 * - Bounded capacity is a {@link Semaphore} of free slots (tokio builds its channel
 *   the same way). A `send` first acquires a slot, FIFO among senders, then enqueues
 *   in the same poll; `recv` gives the slot back. So a full channel serves senders
 *   in arrival order, and `trySend` never overtakes a waiting sender.
 * - Cancel-safe send: a `send` cancelled before it got a slot enqueues nothing and
 *   leaves the line; one cancelled after a slot was assigned to it (woken, not yet
 *   polled) gives the slot back, which goes to the next sender with its wake-up.
 * - `recv` ends with {@link CLOSED} — a value no channel carries, never `undefined` —
 *   once every sender was closed and the buffer is drained. Waiting receivers park
 *   on a {@link WaiterList}: one wake per value, and a woken receiver that is
 *   cancelled passes the wake to the next one.
 * - Senders are counted: `clone()` adds one, `close()` on a handle removes it (JS
 *   has no `Drop`, so a producer says when it is done); a `send` that has been
 *   polled and not yet finished counts too. `rx.close()` stops the
 *   channel: waiting and later sends fail with {@link SendError} carrying the value.
 */
import { BaseFuture } from "./base-future.js";
import { ChannelClosed } from "./oneshot.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "./poll.js";
import { Semaphore, SemaphoreClosed, type SemaphorePermit } from "./semaphore.js";
import { WaiterList, type Waiter } from "./waiter-list.js";

/** What `recv` returns when every sender is gone and nothing is left to receive. */
export const CLOSED: unique symbol = Symbol("CLOSED");
export type Closed = typeof CLOSED;

/** A send found the receiver gone. The value is handed back. */
export class SendError<T> extends ChannelClosed {
  constructor(readonly value: T) {
    super("channel closed: the receiver is gone");
    this.name = "SendError";
  }
}

/** What `trySend` did. */
export type TrySend = "sent" | "full" | "closed";

class Chan<T> {
  readonly buffer: T[] = [];
  head = 0;
  senders = 1;
  rxClosed = false;
  readonly receivers = new WaiterList();
  constructor(readonly slots: Semaphore | null) {}

  get size(): number {
    return this.buffer.length - this.head;
  }

  push(value: T): void {
    this.buffer.push(value);
    this.receivers.wakeOne();
  }

  shift(): T {
    const value = this.buffer[this.head] as T;
    this.buffer[this.head++] = undefined as T; // let it be collected
    if (this.head === this.buffer.length) this.buffer.length = this.head = 0;
    else if (this.head > 1024 && this.head * 2 > this.buffer.length) {
      this.buffer.splice(0, this.head);
      this.head = 0;
    }
    return value;
  }

  senderGone(): void {
    if (--this.senders === 0) this.receivers.wakeAll();
  }
}

class Send<T> extends BaseFuture<void> {
  private slot: BaseFuture<SemaphorePermit> | null = null;
  private done = false;
  constructor(
    private readonly chan: Chan<T>,
    private readonly value: T,
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    if (this.done) throw new PolledAfterCompletion("mpsc send()");
    const chan = this.chan;
    if (this.slot === null) {
      // A send under way counts as a sender (tokio's borrows the Sender): closing
      // the handle meanwhile must not let a receiver conclude CLOSED before it lands.
      chan.senders++;
      this.slot = chan.slots!.acquire(1);
    }
    if (chan.rxClosed) return this.fail();
    const slot = this.slot;
    let permit: Poll<SemaphorePermit>;
    try {
      permit = slot.poll(cx);
    } catch (error) {
      if (error instanceof SemaphoreClosed) return this.fail();
      throw error;
    }
    if (permit === PENDING) return PENDING;
    // The slot now belongs to the value in the buffer; `recv` gives it back.
    permit.forget();
    this.done = true;
    chan.push(this.value);
    chan.senderGone();
    return undefined;
  }
  override cancel(): void {
    if (this.done) return;
    this.done = true;
    if (this.slot === null) return;
    this.slot.cancel();
    this.chan.senderGone();
  }
  private fail(): never {
    this.done = true;
    this.slot!.cancel();
    this.chan.senderGone();
    throw new SendError(this.value);
  }
}

const NOTHING: unique symbol = Symbol("NOTHING");

class Recv<T> extends BaseFuture<T | Closed> {
  private key: Waiter | null = null;
  /** What this recv took: polling it again returns the same, never a second value. */
  private result: T | Closed | typeof NOTHING = NOTHING;
  constructor(private readonly chan: Chan<T>) {
    super();
  }
  poll(cx: Context): Poll<T | Closed> {
    if (this.result !== NOTHING) return this.result;
    const chan = this.chan;
    if (chan.size > 0 || chan.senders === 0 || chan.rxClosed) {
      chan.receivers.done(this.key);
      this.key = null;
      if (chan.size > 0) {
        const value = chan.shift();
        chan.slots?.release(1);
        return (this.result = value);
      }
      return (this.result = CLOSED);
    }
    this.key = chan.receivers.register(this.key, cx.waker);
    return PENDING;
  }
  override cancel(): void {
    // A value arrived for us but we gave up: the next receiver gets the wake-up.
    this.chan.receivers.leave(this.key);
    this.key = null;
  }
}

/**
 * What both kinds of sender share: one more sender on the channel while open, and
 * `close` (or `using`) counts it gone — the last one gone ends the receiver's stream.
 */
abstract class SenderHandle<T> {
  protected open = true;
  constructor(protected readonly chan: Chan<T>) {}

  /** Count one more sender on this channel (for `clone`). */
  protected another(): Chan<T> {
    if (!this.open) throw new Error("mpsc: clone of a sender that was closed");
    this.chan.senders++;
    return this.chan;
  }

  /** This sender is done; when the last one closes, `recv` drains the buffer then returns `CLOSED`. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.chan.senderGone();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** True once the receiver closed. */
  get isClosed(): boolean {
    return this.chan.rxClosed;
  }
}

/** The sending side of a bounded channel. */
export class Sender<T> extends SenderHandle<T> {
  /** A future that enqueues `value` once there is room (FIFO among senders); fails with `SendError` if the receiver is
   * gone. */
  send(value: T): BaseFuture<void> {
    if (!this.open) throw new Error("mpsc: send on a sender that was closed");
    return new Send(this.chan, value);
  }

  /** Enqueue now if there is room and no sender is waiting. */
  trySend(value: T): TrySend {
    const chan = this.chan;
    if (!this.open || chan.rxClosed) return "closed";
    const permit = chan.slots!.tryAcquire(1);
    if (permit === null) return "full";
    permit.forget();
    chan.push(value);
    return "sent";
  }

  /** Another sender on the same channel. */
  clone(): Sender<T> {
    return new Sender(this.another());
  }

  /** Free slots right now. */
  get capacity(): number {
    return this.chan.slots!.available;
  }
}

/** The sending side of an unbounded channel: `send` never waits. */
export class UnboundedSender<T> extends SenderHandle<T> {
  /** Enqueue `value`. False if the receiver is gone or this sender was closed (the value is dropped). */
  send(value: T): boolean {
    if (!this.open || this.chan.rxClosed) return false;
    this.chan.push(value);
    return true;
  }

  /** Another sender on the same channel. */
  clone(): UnboundedSender<T> {
    return new UnboundedSender(this.another());
  }
}

/** The receiving side (bounded or unbounded). */
export class Receiver<T> {
  constructor(private readonly chan: Chan<T>) {}

  /** The next value, or `CLOSED` once all senders closed and the buffer is empty. */
  recv(): BaseFuture<T | Closed> {
    return new Recv(this.chan);
  }

  /** The next value now, `PENDING` if none yet, `CLOSED` if none will come. */
  tryRecv(): T | Closed | typeof PENDING {
    // Not through a Recv: a poll that found nothing would park a waker nobody
    // polls again, and a wake-up meant for a real receiver would go to it.
    const chan = this.chan;
    if (chan.size > 0) {
      const value = chan.shift();
      chan.slots?.release(1);
      return value;
    }
    return chan.senders === 0 || chan.rxClosed ? CLOSED : PENDING;
  }

  /** Values waiting in the buffer. */
  get length(): number {
    return this.chan.size;
  }

  /** Stop the channel: waiting and later sends fail with `SendError`; values already queued can still be received. */
  close(): void {
    const chan = this.chan;
    if (chan.rxClosed) return;
    chan.rxClosed = true;
    chan.slots?.close();
    chan.receivers.wakeAll();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** A bounded channel holding at most `capacity` values: `[sender, receiver]`. */
export function channel<T>(capacity: number): [Sender<T>, Receiver<T>] {
  if (!(Number.isInteger(capacity) && capacity >= 1))
    throw new RangeError(`mpsc.channel: capacity must be a positive integer, got ${capacity}`);
  const chan = new Chan<T>(new Semaphore(capacity));
  return [new Sender(chan), new Receiver(chan)];
}

/** An unbounded channel: `[sender, receiver]`; `send` never waits. */
export function unboundedChannel<T>(): [UnboundedSender<T>, Receiver<T>] {
  const chan = new Chan<T>(null);
  return [new UnboundedSender(chan), new Receiver(chan)];
}
