/**
 * The event bus of E6.4: every subscriber has its own backlog; `send` puts the event
 * into every live subscriber's backlog; a disposed handle is tombstoned and a
 * garbage-collector task reclaims tombstoned backlogs (and their ids) in batches.
 *
 * Invariants:
 * 1. Per-subscriber order: a subscriber takes events in the order they were sent.
 * 2. A tombstoned subscriber receives nothing more (send checks `dead`), but its
 *    backlog stays in the chamber until `collect()` — the book's tombstone, so an
 *    unsubscribe never waits for (nor slows) a send in progress.
 * 3. An id is in use by at most one subscriber; `collect()` returns a dead subscriber's
 *    id to `freeIds` and `subscribe` reuses those first — ids are not exhausted however
 *    many subscribers come and go (the book's u32 counter would wrap).
 * 4. Bounded backlogs apply the subscriber's policy when full: `drop-oldest` (the
 *    subscriber loses its oldest event), `drop-newest` (it loses this one), `reject`
 *    (this one is not delivered and the sender is told: `send` returns how many
 *    subscribers missed it), `block` (sync `send` counts it as missed; `deliver()` is
 *    a future that waits until every blocking subscriber has room, then sends).
 *
 * 5. Waiting goes through waiter lists (futures/waiter-list.ts): each handle has one
 *    list of consumers (`recv`, the async iterator) and one of blocked senders
 *    (`deliver`). An offered event wakes one consumer; a taken event (room) wakes one
 *    sender; dispose wakes all of both. A cancelled `recv`/`deliver` leaves its lists
 *    at once, and a wake-up it held but did not use moves on to the next waiter.
 * 6. "No event" is the {@link NO_EVENT} sentinel, never `undefined`: `send(undefined)`
 *    is delivered like any other value. The book's `poll()` keeps its `T | undefined`
 *    shape (ambiguous when T includes undefined); `take()` and `recvOrClosed()` are not.
 *
 * Why events are not cloned by default: Rust clones because every queue owns its
 * value; in JavaScript a shared immutable event is the same thing for free. Pass
 * `clone` (e.g. `structuredClone`) if subscribers mutate what they get.
 * Why a plain array of subscribers for `send`, not the book's `HashMap` behind an async
 * mutex: one thread owns the bus, so no lock is needed, and an array walk is what makes
 * send fast (see `lab bench bus`). Rejected: an `EventEmitter` per topic — it would
 * call consumers synchronously, which is the opposite of a backlog.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "../futures/poll.js";
import { sleep } from "../futures/sleep.js";
import { co, type Co } from "../futures/generator-future.js";
import type { Waiter } from "../futures/waiter-list.js";
import { EventHandle } from "./event-handle.js";

export { NO_EVENT, type NoEvent } from "./backlog.js";
export { CLOSED, EventHandle, type Closed } from "./event-handle.js";

export type BackpressurePolicy = "drop-oldest" | "drop-newest" | "reject" | "block";

export interface SubscribeOptions {
  /** Only events sent with one of these topics (default: every event). */
  topics?: readonly string[];
  /** Backlog bound (default: unbounded — the book's bus). */
  capacity?: number;
  /** What a full backlog does (default `drop-oldest`); see the module doc, invariant 4. */
  policy?: BackpressurePolicy;
}

export interface EventBusOptions<T> {
  /** Copy made for each subscriber (default: the same value is shared). */
  clone?: (event: T) => T;
}

/** Counters of one subscriber. */
export interface SubscriberStats {
  delivered: number;
  dropped: number;
  rejected: number;
  highWater: number;
}

export class EventBus<T> {
  /** Every subscriber not yet collected, by id (the book's `chamber`). */
  private readonly chamber = new Map<number, EventHandle<T>>();
  /** The send path's array: live and tombstoned-but-not-collected subscribers. */
  private subscribers: EventHandle<T>[] = [];
  private readonly deadIds: number[] = [];
  private readonly freeIds: number[] = [];
  private nextId = 0;
  private readonly clone: ((event: T) => T) | undefined;

  constructor(options: EventBusOptions<T> = {}) {
    this.clone = options.clone;
  }

  subscribe(options: SubscribeOptions = {}): EventHandle<T> {
    const capacity = options.capacity ?? Infinity;
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${options.capacity}`);
    const id = this.freeIds.length > 0 ? this.freeIds.pop()! : this.nextId++;
    const handle = new EventHandle<T>(
      this,
      id,
      options.topics ? new Set(options.topics) : null,
      capacity,
      options.policy ?? "drop-oldest",
    );
    this.chamber.set(id, handle);
    this.subscribers.push(handle);
    return handle;
  }

  /**
   * Put `event` in every live subscriber's backlog (that wants `topic`). Returns how many
   * subscribers did *not* get it (reject, or block when full) — 0 means all did.
   */
  send(event: T, topic?: string): number {
    const subs = this.subscribers;
    const clone = this.clone;
    let missed = 0;
    for (let i = 0; i < subs.length; i++) {
      const h = subs[i]!;
      if (h.dead || (h.topics !== null && (topic === undefined || !h.topics.has(topic)))) continue;
      if (!h.offer(clone === undefined ? event : clone(event))) missed++;
    }
    return missed;
  }

  /** A future that waits until every `block` subscriber wanting `topic` has room, then sends. */
  deliver(event: T, topic?: string): BaseFuture<number> {
    return new Deliver(this, event, topic);
  }

  /** @internal the handle's dispose. Tombstone only (invariant 2). */
  unsubscribe(handle: EventHandle<T>): void {
    if (handle.dead) return;
    handle.dead = true;
    this.deadIds.push(handle.id);
    handle.wakeAll();
  }

  /** Reclaim every tombstoned subscriber: drop its backlog, free its id. Returns how many. */
  collect(): number {
    const dead = this.deadIds.splice(0);
    if (dead.length === 0) return 0;
    for (const id of dead) {
      this.chamber.get(id)?.backlog.clear();
      this.chamber.delete(id);
      this.freeIds.push(id);
    }
    // One filter per batch, not one splice per dead subscriber: this is why GC is batched.
    this.subscribers = this.subscribers.filter((h) => !h.dead);
    return dead.length;
  }

  /** The book's garbage collector: a never-ending task that collects, then sleeps. */
  garbageCollector(intervalMs: number): BaseFuture<never> {
    return co(gcLoop, this as EventBus<unknown>, intervalMs) as BaseFuture<never>;
  }

  /** What the book prints: id → backlog, for every subscriber not yet collected (newest id first, as the book's HashMap
   * printed). */
  chamberSnapshot(): Map<number, T[]> {
    const out = new Map<number, T[]>();
    const ids = [...this.chamber.keys()].sort((a, b) => b - a);
    for (const id of ids) out.set(id, this.chamber.get(id)!.backlog.toArray());
    return out;
  }

  /** Subscribers the send path still walks (live + tombstoned, not collected). */
  get size(): number {
    return this.subscribers.length;
  }
  get tombstones(): number {
    return this.deadIds.length;
  }
  get reusableIds(): number {
    return this.freeIds.length;
  }

  /** @internal for Deliver: the block subscribers that `event` on `topic` would have to wait for. */
  fullBlockers(topic: string | undefined): EventHandle<T>[] {
    const out: EventHandle<T>[] = [];
    for (const h of this.subscribers) {
      if (h.dead || h.policy !== "block" || h.backlog.length < h.capacity) continue;
      if (h.topics !== null && (topic === undefined || !h.topics.has(topic))) continue;
      out.push(h);
    }
    return out;
  }
}

function* gcLoop(bus: EventBus<unknown>, intervalMs: number): Co<never> {
  for (;;) {
    bus.collect();
    yield* sleep(intervalMs);
  }
}

class Deliver<T> extends BaseFuture<number> {
  private done = false;
  /** One place per full `block` backlog this delivery waits on. */
  private keys: Map<EventHandle<T>, Waiter> | null = null; // created the first time it has to wait
  constructor(
    private readonly bus: EventBus<T>,
    private readonly event: T,
    private readonly topic: string | undefined,
  ) {
    super();
  }
  poll(cx: Context): Poll<number> {
    if (this.done) throw new PolledAfterCompletion("EventBus.deliver()");
    const blockers = this.bus.fullBlockers(this.topic);
    if (blockers.length > 0) {
      // A backlog that has room now was not a blocker this time: whatever wake-up came from it
      // is not used by this delivery (it still waits elsewhere), so it moves on to the next sender.
      const keys = (this.keys ??= new Map());
      for (const [h, key] of keys) {
        if (!blockers.includes(h)) {
          h.senders.leave(key);
          keys.delete(h);
        }
      }
      for (const h of blockers) keys.set(h, h.senders.register(keys.get(h) ?? null, cx.waker));
      return PENDING;
    }
    // Single thread: nothing can fill a backlog between the check above and this send.
    this.done = true;
    // the room it was woken for is used by this event
    if (this.keys !== null) for (const [h, key] of this.keys) h.senders.done(key);
    this.keys = null;
    return this.bus.send(this.event, this.topic);
  }
  override cancel(): void {
    if (this.keys !== null) for (const [h, key] of this.keys) h.senders.leave(key);
    this.keys = null;
  }
}
