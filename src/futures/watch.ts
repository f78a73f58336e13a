/**
 * A watch channel: one sender, any number of receivers, and only the *latest*
 * value kept — the book's `tokio::sync::watch` (E1.11: "the file changed").
 *
 * Invariants:
 * 1. Every `send` bumps a version and wakes every receiver waiting in `changed()`;
 *    a receiver remembers the version it last saw, so `changed()` is ready at once
 *    if anything was sent since — a send between two `changed()` calls is never lost,
 *    but several sends may be seen as one (only the latest value is kept).
 * 2. Waiting `changed()` futures park on one {@link WaiterList}: a future keeps its
 *    key between polls, so polling it again never grows the list; a cancelled one
 *    leaves at once; a send wakes them all.
 * 3. After `close()`, `changed()` still reports a version not yet seen, then throws
 *    `ChannelClosed` — a change that can never come must not hang the waiter.
 * 4. A `changed()` future that settled gives the same outcome if polled again (it
 *    does not look for a second change: that is a new `changed()`).
 * Rejected alternative: a queue of values per receiver (an mpsc per subscriber):
 * a watcher only cares about "changed since I last looked", and a queue would grow
 * without bound behind a slow reader.
 */
import { BaseFuture } from "./base-future.js";
import { ChannelClosed } from "./oneshot.js";
import { PENDING, type Context, type Poll } from "./poll.js";
import { WaiterList, type Waiter } from "./waiter-list.js";

class WatchShared<T> {
  version = 0;
  closed = false;
  readonly waiting = new WaiterList();
  constructor(public value: T) {}

  wakeAll(): void {
    this.waiting.wakeAll();
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

  /** Ready once a value newer than the last seen one was sent; marks it seen. Fails with `ChannelClosed` after
   * `close()`. */
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

const WAITING = 0;
const CHANGED = 1;
const CLOSED = 2;

export class Changed<T> extends BaseFuture<void> {
  private key: Waiter | null = null;
  private outcome = WAITING;

  constructor(
    private readonly shared: WatchShared<T>,
    private readonly rx: WatchReceiver<T>,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    const shared = this.shared;
    if (this.outcome === WAITING) {
      if (shared.version !== this.rx.seen) {
        this.rx.seen = shared.version;
        this.finish(CHANGED);
      } else if (shared.closed) {
        this.finish(CLOSED);
      } else {
        this.key = shared.waiting.register(this.key, cx.waker);
        return PENDING;
      }
    }
    if (this.outcome === CLOSED) throw new ChannelClosed("watch sender closed");
    return undefined;
  }

  /** Number of `changed()` futures parked on the channel (for tests and diagnostics). */
  get parked(): number {
    return this.shared.waiting.length;
  }

  override cancel(): void {
    // A wake-up from a send is meant for every waiter, so there is nothing to pass on.
    this.shared.waiting.done(this.key);
    this.key = null;
  }

  private finish(outcome: number): void {
    this.outcome = outcome;
    this.shared.waiting.done(this.key);
    this.key = null;
  }
}

/** Create a watch channel holding `initial`: `[sender, receiver]`. The receiver counts `initial` as seen. */
export function watch<T>(initial: T): [WatchSender<T>, WatchReceiver<T>] {
  const shared = new WatchShared(initial);
  return [new WatchSender(shared), new WatchReceiver(shared)];
}
