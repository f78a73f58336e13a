/**
 * One subscription to an {@link EventBus}: its own backlog, and the two waiter lists
 * that park whoever waits on it (see event-bus.ts, invariants 5 and 6).
 *
 * Invariants:
 * 1. Every offered event wakes one consumer (`wakeOne`), every taken event wakes one
 *    blocked sender: a wake-up is never spent on two waiters for one event or one slot,
 *    and a waiter that does not use it (cancelled, or found nothing to do) passes it on.
 * 2. Dispose wakes everyone: consumers see the end after draining, blocked senders
 *    stop waiting for this backlog.
 * 3. Empty is {@link NO_EVENT}; `undefined` is an ordinary event.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "../futures/poll.js";
import { WaiterList, type Waiter } from "../futures/waiter-list.js";
import { Backlog, NO_EVENT, type NoEvent } from "./backlog.js";
import type { BackpressurePolicy, EventBus, SubscriberStats } from "./event-bus.js";
import { CLOSED, type Closed } from "../futures/mpsc.js";

/**
 * What {@link EventHandle.recvOrClosed} resolves to once the handle is disposed and
 * drained: the same `CLOSED` as an `mpsc` receiver's, so code that reads either
 * kind of stream tests one sentinel.
 */
export { CLOSED, type Closed };

/** A subscription: its own backlog. Dispose it (`using h = bus.subscribe()`) to unsubscribe. */
export class EventHandle<T> implements Disposable, AsyncIterable<T> {
  readonly backlog = new Backlog<T>();
  dead = false;
  readonly stats: SubscriberStats = { delivered: 0, dropped: 0, rejected: 0, highWater: 0 };
  /** @internal futures waiting for an event (recv, the async iterator). */
  readonly consumers = new WaiterList();
  /** @internal deliver() futures waiting for room in this (full, `block`) backlog. */
  readonly senders = new WaiterList();

  constructor(
    private readonly bus: EventBus<T>,
    readonly id: number,
    readonly topics: ReadonlySet<string> | null,
    readonly capacity: number,
    readonly policy: BackpressurePolicy,
  ) {}

  /** @internal the send path: false if this subscriber did not take the event. */
  offer(event: T): boolean {
    const backlog = this.backlog;
    if (backlog.length >= this.capacity) {
      switch (this.policy) {
        case "drop-oldest":
          backlog.shift();
          this.stats.dropped++;
          break;
        case "drop-newest":
          this.stats.dropped++;
          return true; // taken and discarded: the sender is not told
        case "reject":
        case "block":
          this.stats.rejected++;
          return false;
      }
    }
    backlog.push(event);
    this.stats.delivered++;
    if (backlog.length > this.stats.highWater) this.stats.highWater = backlog.length;
    // One event, one consumer: a second woken consumer would only find the backlog empty.
    // (The length check keeps the send path to a field read when nobody waits: see `lab bench bus`.)
    if (this.consumers.length !== 0) this.consumers.wakeOne();
    return true;
  }

  /** The oldest event, or {@link NO_EVENT} when the backlog is empty. */
  take(): T | NoEvent {
    const event = this.backlog.shift();
    // One slot freed, one sender woken; if it turns out not to need the room it passes the turn on.
    if (event !== NO_EVENT && this.senders.length !== 0) this.senders.wakeOne();
    return event;
  }

  /** The book's `poll(id)`: the oldest event, or undefined when the backlog is empty (use `take` if T includes
   * undefined). */
  poll(): T | undefined {
    const event = this.backlog.shift();
    if (event === NO_EVENT) return undefined;
    if (this.senders.length !== 0) this.senders.wakeOne();
    return event;
  }

  /** Number of events waiting. */
  get pending(): number {
    return this.backlog.length;
  }

  /** A future of the next event; `undefined` once the handle is disposed and drained (use `recvOrClosed` if T includes
   * undefined). */
  recv(): BaseFuture<T | undefined> {
    return new Recv<T, undefined>(this, undefined);
  }

  /** A future of the next event, or {@link CLOSED} once the handle is disposed and drained. */
  recvOrClosed(): BaseFuture<T | Closed> {
    return new Recv<T, Closed>(this, CLOSED);
  }

  /** @internal dispose: every consumer sees the end, every blocked sender stops waiting for this backlog. */
  wakeAll(): void {
    this.consumers.wakeAll();
    this.senders.wakeAll();
  }

  [Symbol.dispose](): void {
    this.bus.unsubscribe(this);
  }

  /** Promise-land consumption: `for await (const e of handle)`, ends when disposed and drained. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    let key: Waiter | null = null;
    try {
      for (;;) {
        const event = this.take();
        if (event !== NO_EVENT) {
          this.consumers.done(key);
          key = null;
          yield event;
          continue;
        }
        if (this.dead) return;
        await new Promise<void>((resolve) => (key = this.consumers.register(key, { wake: resolve })));
      }
    } finally {
      // The consumer broke out of its loop: a wake-up meant for it goes to the next consumer.
      this.consumers.leave(key);
    }
  }
}

class Recv<T, E> extends BaseFuture<T | E> {
  private done = false;
  private key: Waiter | null = null;
  constructor(
    private readonly handle: EventHandle<T>,
    private readonly end: E,
  ) {
    super();
  }
  poll(cx: Context): Poll<T | E> {
    if (this.done) throw new PolledAfterCompletion("EventHandle.recv()");
    const event = this.handle.take();
    if (event !== NO_EVENT || this.handle.dead) {
      this.done = true;
      this.handle.consumers.done(this.key);
      this.key = null;
      return event === NO_EVENT ? this.end : event;
    }
    this.key = this.handle.consumers.register(this.key, cx.waker);
    return PENDING;
  }
  override cancel(): void {
    this.handle.consumers.leave(this.key);
    this.key = null;
  }
}
