/**
 * A watch channel: one sender, any number of receivers, and only the *latest*
 * value kept — the book's `tokio::sync::watch` (E1.11: "the file changed").
 *
 * Invariants:
 * 1. Every `send` bumps a version and wakes every receiver waiting in `changed()`;
 *    a receiver remembers the version it last saw, so `changed()` is ready at once
 *    if anything was sent since — a send between two `changed()` calls is never lost,
 *    but several sends may be seen as one (only the latest value is kept).
 * 2. A waiting receiver is registered once however often it is polled (a Set of
 *    futures, each holding its latest waker), and unregistered when cancelled.
 * 3. After `close()`, `changed()` still reports a version not yet seen, then throws
 *    `ChannelClosed` — a change that can never come must not hang the waiter.
 * Rejected alternative: a queue of values per receiver (an mpsc per subscriber):
 * a watcher only cares about "changed since I last looked", and a queue would grow
 * without bound behind a slow reader.
 */
import { BaseFuture } from "./base-future.js";
import { ChannelClosed } from "./oneshot.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll, type Waker } from "./poll.js";

class WatchShared<T> {
  version = 0;
  closed = false;
  readonly waiting = new Set<Changed<T>>();
  constructor(public value: T) {}

  wakeAll(): void {
    const waiting = [...this.waiting];
    this.waiting.clear();
    for (const f of waiting) f.wakeUp();
  }
}

export class WatchSender<T> {
  constructor(private readonly shared: WatchShared<T>) {}

  /** Replace the value and wake every waiting receiver. False (value dropped) after `close()`. */
  send(value: T): boolean {
    const shared = this.shared;
    if (shared.closed) return false;
    shared.value = value;
    shared.version++;
    shared.wakeAll();
    return true;
  }

  /** No more values: waiting receivers fail with `ChannelClosed` once they have seen the last one. */
  close(): void {
    if (this.shared.closed) return;
    this.shared.closed = true;
    this.shared.wakeAll();
  }

  get isClosed(): boolean {
    return this.shared.closed;
  }

  /** A new receiver; it counts the current value as seen (like tokio's `subscribe`). */
  subscribe(): WatchReceiver<T> {
    return new WatchReceiver(this.shared);
  }
}

export class WatchReceiver<T> {
  /** The version this receiver last saw. */
  seen: number;

  constructor(private readonly shared: WatchShared<T>) {
    this.seen = shared.version;
  }

  /** The latest value (does not mark it seen). */
  borrow(): T {
    return this.shared.value;
  }

  /** True if a value was sent since this receiver last saw one. */
  get hasChanged(): boolean {
    return this.shared.version !== this.seen;
  }

  /** Ready once a value newer than the last seen one was sent; marks it seen. Fails with `ChannelClosed` after `close()`. */
  changed(): Changed<T> {
    return new Changed(this.shared, this);
  }

  /** Another receiver with this one's "seen" position. */
  clone(): WatchReceiver<T> {
    const rx = new WatchReceiver(this.shared);
    rx.seen = this.seen;
    return rx;
  }
}

export class Changed<T> extends BaseFuture<void> {
  private waker: Waker | null = null;
  private done = false;

  constructor(private readonly shared: WatchShared<T>, private readonly rx: WatchReceiver<T>) {
    super();
  }

  poll(cx: Context): Poll<void> {
    if (this.done) throw new PolledAfterCompletion("watch changed()");
    const shared = this.shared;
    if (shared.version !== this.rx.seen) {
      this.rx.seen = shared.version;
      this.finish();
      return undefined;
    }
    if (shared.closed) {
      this.finish();
      throw new ChannelClosed("watch sender closed");
    }
    this.waker = cx.waker; // only the latest poll's waker counts
    shared.waiting.add(this);
    return PENDING;
  }

  /** @internal called by the channel on send / close. */
  wakeUp(): void {
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }

  override cancel(): void {
    this.finish();
  }

  private finish(): void {
    this.done = true;
    this.waker = null;
    this.shared.waiting.delete(this);
  }
}

/** Create a watch channel holding `initial`: `[sender, receiver]`. The receiver counts `initial` as seen. */
export function watch<T>(initial: T): [WatchSender<T>, WatchReceiver<T>] {
  const shared = new WatchShared(initial);
  return [new WatchSender(shared), new WatchReceiver(shared)];
}
