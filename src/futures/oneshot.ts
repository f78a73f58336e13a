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

class Slot<T> {
  state = EMPTY;
  value: T | undefined = undefined;
  waker: Waker | null = null;
}

export class OneshotSender<T> {
  constructor(private readonly slot: Slot<T>) {}
  /** Deliver `value`. False if a value was already sent or the receiver is gone. */
  send(value: T): boolean {
    const slot = this.slot;
    if (slot.state !== EMPTY) return false;
    slot.state = FULL;
    slot.value = value;
    const waker = slot.waker;
    slot.waker = null;
    waker?.wake();
    return true;
  }
  /** Close without sending: the receiver fails with `ChannelClosed`. */
  close(): void {
    const slot = this.slot;
    if (slot.state !== EMPTY) return;
    slot.state = CLOSED;
    const waker = slot.waker;
    slot.waker = null;
    waker?.wake();
  }
  /** True once the receiver was dropped (cancelled) or a value was sent. */
  get isClosed(): boolean {
    return this.slot.state !== EMPTY;
  }
}

export class OneshotReceiver<T> extends BaseFuture<T> {
  constructor(private readonly slot: Slot<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    const slot = this.slot;
    switch (slot.state) {
      case FULL: {
        slot.state = TAKEN;
        const value = slot.value as T;
        slot.value = undefined;
        return value;
      }
      case EMPTY:
        slot.waker = cx.waker;
        return PENDING;
      case CLOSED:
        slot.state = TAKEN;
        throw new ChannelClosed("oneshot sender closed without sending");
      default:
        throw new PolledAfterCompletion("oneshot receiver");
    }
  }
  /** The receiver gives up: later sends return false. */
  override cancel(): void {
    const slot = this.slot;
    slot.state = TAKEN;
    slot.value = undefined;
    slot.waker = null;
  }
}

/** Create a one-shot channel: `[sender, receiver]`. */
export function oneshot<T>(): [OneshotSender<T>, OneshotReceiver<T>] {
  const slot = new Slot<T>();
  return [new OneshotSender(slot), new OneshotReceiver(slot)];
}
