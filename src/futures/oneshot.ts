/**
 * A one-shot channel: one value, sent once — the reply slot of a request (`ask`),
 * the "last task done" signal of a fan-out, the book's `oneshot::channel`.
 *
 * State machine (one field, `state`):
 *
 *   EMPTY ──send──▶ FULL        (every waiter is woken; the value stays)
 *   EMPTY ──close─▶ CLOSED      (every waiter is woken; they fail with ChannelClosed)
 *   EMPTY ──receiver dropped (cancel)──▶ DROPPED  (later sends return false)
 *
 * Invariants:
 * - `send` succeeds at most once; a second send, or a send after the receiver was
 *   dropped, returns false and the value is not kept.
 * - The receiver may be awaited by any number of tasks at once, and again after it
 *   settled: each await sees the same outcome (the value, or `ChannelClosed`).
 *   Waiters park on one {@link WaiterList}; a settle wakes them all.
 * - Each `yield* rx` (and each `rx.recv()`) is its own waiter: cancelling it leaves
 *   the list and touches nobody else. Cancelling the receiver *itself* (`rx.cancel()`,
 *   which `select(rx, …)` does to a loser) drops it, as dropping a tokio receiver
 *   does: the sender learns nobody listens. Use `select(rx.recv(), …)` to race
 *   without dropping.
 * - A receiver polled directly (spawned, `yield rx`, or inside `join`) keeps one
 *   entry per polling waker — the first in a field, the rest on the list — so
 *   polling again never grows anything.
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, type Context, type Future, type Poll, type Waker } from "./poll.js";
import { WaiterList, type Waiter } from "./waiter-list.js";

/** The other side of a channel has gone away. */
export class ChannelClosed extends Error {
  constructor(message = "channel closed") {
    super(message);
    this.name = "ChannelClosed";
  }
}

const EMPTY = 0;
const FULL = 1;
const CLOSED = 2;
const DROPPED = 3;

/**
 * The two ends of the channel, as types. At run time both are the same object, a
 * {@link OneshotChannel}: in Rust the halves are separate values because each owns
 * its end of an `Arc`; on one JavaScript thread the split would only cost two more
 * allocations per channel (a request/reply makes one per `ask`). The types keep the
 * sides apart: a sender cannot be polled, a receiver cannot send.
 */
export interface OneshotSender<T> {
  /** Deliver `value`. False if a value was already sent or the receiver is gone. */
  send(value: T): boolean;
  /** Close without sending: the receiver fails with `ChannelClosed`. */
  close(): void;
  /** True once the receiver was dropped (cancelled), a value was sent, or the sender closed. */
  readonly isClosed: boolean;
}

/**
 * The receiving end: a future of the value (`yield* rx`), failing with
 * `ChannelClosed` if the sender closed without sending. Awaitable by many, and
 * again after it settled.
 */
export interface OneshotReceiver<T> extends BaseFuture<T> {
  /** A separate waiter on the value: cancelling it leaves the line without dropping the receiver. */
  recv(): BaseFuture<T>;
  /** Drop the receiver: later sends return false; current waiters fail with `ChannelClosed`. */
  cancel(): void;
}

/**
 * A channel's waiters beyond the first direct poller: `recv()` / `yield*` waiters on
 * the list, and further direct pollers on it too, found again by their waker (a task
 * is its own waker, so one entry per task).
 */
class MoreWaiters {
  readonly list = new WaiterList();
  byWaker: Map<Waker, Waiter> | null = null;
}

class OneshotChannel<T> extends BaseFuture<T> implements OneshotSender<T>, OneshotReceiver<T> {
  /** @internal */ state = EMPTY;
  private value: T | undefined = undefined;
  /**
   * The first task polling the receiver directly keeps its waker here: one receiver
   * in one task is the common case (a reply slot), and it then costs one field
   * write per poll — no list entry, no map (the `ping_pong` bench lives on it).
   */
  private waker: Waker | null = null;
  /**
   * @internal every other waiter (see {@link MoreWaiters}). Made on first need —
   * most channels never have a second waiter — and dropped when the channel settles.
   */
  more: MoreWaiters | null = null;

  send(value: T): boolean {
    if (this.state !== EMPTY) return false;
    this.state = FULL;
    this.value = value;
    this.settled();
    return true;
  }

  close(): void {
    if (this.state !== EMPTY) return;
    this.state = CLOSED;
    this.settled();
  }

  get isClosed(): boolean {
    return this.state !== EMPTY;
  }

  /** @internal waiters parked right now (for tests and diagnostics). */
  get parked(): number {
    return (this.waker === null ? 0 : 1) + (this.more?.list.length ?? 0);
  }

  /** @internal the outcome; only called once the state is not EMPTY. */
  outcome(): T {
    if (this.state === FULL) return this.value as T;
    throw new ChannelClosed(
      this.state === CLOSED ? "oneshot sender closed without sending" : "oneshot receiver dropped",
    );
  }

  poll(cx: Context): Poll<T> {
    if (this.state !== EMPTY) return this.outcome();
    const waker = cx.waker;
    if (this.waker === null || this.waker === waker) {
      this.waker = waker;
    } else {
      const byWaker = (this.line().byWaker ??= new Map());
      byWaker.set(waker, this.more!.list.register(byWaker.get(waker) ?? null, waker));
    }
    return PENDING;
  }

  recv(): BaseFuture<T> {
    return new Recv(this);
  }

  /** `yield* rx` awaits through its own waiter, so a cancelled await only leaves the line. */
  override [Symbol.iterator](): Iterator<Future<unknown>, T, unknown> {
    return new Recv(this)[Symbol.iterator]();
  }

  override cancel(): void {
    if (this.state !== EMPTY) return;
    this.state = DROPPED;
    this.settled();
  }

  private settled(): void {
    const waker = this.waker;
    if (waker !== null) {
      this.waker = null;
      waker.wake();
    }
    const more = this.more;
    if (more !== null) {
      // wakeAll takes every entry off the line, so the per-waker map goes with it.
      this.more = null;
      more.list.wakeAll();
    }
  }

  /** @internal the other waiters, made on first use. */
  line(): MoreWaiters {
    return (this.more ??= new MoreWaiters());
  }
}

/** One waiter on a oneshot's value. */
class Recv<T> extends BaseFuture<T> {
  private key: Waiter | null = null;
  constructor(private readonly channel: OneshotChannel<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    const channel = this.channel;
    if (channel.state !== EMPTY) {
      channel.more?.list.done(this.key);
      this.key = null;
      return channel.outcome();
    }
    this.key = channel.line().list.register(this.key, cx.waker);
    return PENDING;
  }
  override cancel(): void {
    this.channel.more?.list.done(this.key);
    this.key = null;
  }
}

/** Create a one-shot channel: `[sender, receiver]`. */
export function oneshot<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const channel = new OneshotChannel<T>();
  return [channel, channel];
}
