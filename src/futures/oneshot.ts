/**
 * A one-shot channel: one value, sent once, received once — the reply slot of a
 * request (`ask`), the "last task done" signal of a fan-out, the book's
 * `oneshot::channel`.
 *
 * Invariants: `send` succeeds at most once (a second send, or a send after the
 * receiver went away, returns false and the value is dropped). The receiver is a
 * future: it is ready once a value was sent, and throws `ChannelClosed` if the
 * sender was closed without sending — a reply that will never come must not hang.
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll, type Waker } from "./poll.js";

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
const TAKEN = 3;

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
  /** True once the receiver was dropped (cancelled) or a value was sent. */
  readonly isClosed: boolean;
}

/** The receiving end: a future of the value (`yield* rx`), failing with `ChannelClosed`. */
export type OneshotReceiver<T> = BaseFuture<T>;

class OneshotChannel<T> extends BaseFuture<T> implements OneshotSender<T> {
  private state = EMPTY;
  private value: T | undefined = undefined;
  private waker: Waker | null = null;

  send(value: T): boolean {
    if (this.state !== EMPTY) return false;
    this.state = FULL;
    this.value = value;
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
    return true;
  }

  close(): void {
    if (this.state !== EMPTY) return;
    this.state = CLOSED;
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }

  get isClosed(): boolean {
    return this.state !== EMPTY;
  }

  poll(cx: Context): Poll<T> {
    switch (this.state) {
      case FULL: {
        this.state = TAKEN;
        const value = this.value as T;
        this.value = undefined;
        return value;
      }
      case EMPTY:
        this.waker = cx.waker;
        return PENDING;
      case CLOSED:
        this.state = TAKEN;
        throw new ChannelClosed("oneshot sender closed without sending");
      default:
        throw new PolledAfterCompletion("oneshot receiver");
    }
  }

  /** The receiver gives up: later sends return false. */
  override cancel(): void {
    this.state = TAKEN;
    this.value = undefined;
    this.waker = null;
  }
}

/** Create a one-shot channel: `[sender, receiver]`. */
export function oneshot<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const channel = new OneshotChannel<T>();
  return [channel, channel];
}
