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
 * Why events are not cloned by default: Rust clones because every queue owns its
 * value; in JavaScript a shared immutable event is the same thing for free. Pass
 * `clone` (e.g. `structuredClone`) if subscribers mutate what they get.
 * Why a plain array of subscribers for `send`, not the book's `HashMap` behind an async
 * mutex: one thread owns the bus, so no lock is needed, and an array walk is what makes
 * send fast (see `lab bench bus`). Rejected: an `EventEmitter` per topic — it would
 * call consumers synchronously, which is the opposite of a backlog.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll, type Waker } from "../futures/poll.js";
import { sleep } from "../futures/sleep.js";
import { co, type Co } from "../futures/generator-future.js";
import { Backlog } from "./backlog.js";

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
    const handle = new EventHandle<T>(this, id, options.topics ? new Set(options.topics) : null, capacity, options.policy ?? "drop-oldest");
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

  /** What the book prints: id → backlog, for every subscriber not yet collected (newest id first, as the book's HashMap printed). */
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

/** A subscription: its own backlog. Dispose it (`using h = bus.subscribe()`) to unsubscribe. */
export class EventHandle<T> implements Disposable, AsyncIterable<T> {
  readonly backlog = new Backlog<T>();
  dead = false;
  readonly stats: SubscriberStats = { delivered: 0, dropped: 0, rejected: 0, highWater: 0 };
  private consumer: Waker | null = null;
  private senders: Waker[] = [];

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
    const w = this.consumer;
    if (w !== null) {
      this.consumer = null;
      w.wake();
    }
    return true;
  }

  /** The book's `poll(id)`: the oldest event, or undefined when the backlog is empty. */
  poll(): T | undefined {
    const event = this.backlog.shift();
    if (event !== undefined && this.senders.length > 0) this.wakeSenders();
    return event;
  }

  /** Number of events waiting. */
  get pending(): number {
    return this.backlog.length;
  }

  /** A future of the next event; `undefined` once the handle is disposed and drained. */
  recv(): BaseFuture<T | undefined> {
    return new Recv(this);
  }

  /** @internal */
  waitForEvent(waker: Waker): void {
    this.consumer = waker;
  }
  /** @internal */
  waitForRoom(waker: Waker): void {
    this.senders.push(waker);
  }
  /** @internal */
  wakeAll(): void {
    const w = this.consumer;
    this.consumer = null;
    w?.wake();
    this.wakeSenders();
  }
  private wakeSenders(): void {
    const senders = this.senders;
    this.senders = [];
    for (const s of senders) s.wake();
  }

  [Symbol.dispose](): void {
    this.bus.unsubscribe(this);
  }

  /** Promise-land consumption: `for await (const e of handle)`, ends when disposed and drained. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const event = this.poll();
      if (event !== undefined) {
        yield event;
        continue;
      }
      if (this.dead) return;
      await new Promise<void>((resolve) => this.waitForEvent({ wake: resolve }));
    }
  }
}

class Recv<T> extends BaseFuture<T | undefined> {
  private done = false;
  constructor(private readonly handle: EventHandle<T>) {
    super();
  }
  poll(cx: Context): Poll<T | undefined> {
    if (this.done) throw new PolledAfterCompletion("EventHandle.recv()");
    const event = this.handle.poll();
    if (event !== undefined || this.handle.dead) {
      this.done = true;
      return event;
    }
    this.handle.waitForEvent(cx.waker);
    return PENDING;
  }
}

class Deliver<T> extends BaseFuture<number> {
  private done = false;
  constructor(private readonly bus: EventBus<T>, private readonly event: T, private readonly topic: string | undefined) {
    super();
  }
  poll(cx: Context): Poll<number> {
    if (this.done) throw new PolledAfterCompletion("EventBus.deliver()");
    const blockers = this.bus.fullBlockers(this.topic);
    if (blockers.length > 0) {
      for (const h of blockers) h.waitForRoom(cx.waker);
      return PENDING;
    }
    // Single thread: nothing can fill a backlog between the check above and this send.
    this.done = true;
    return this.bus.send(this.event, this.topic);
  }
}
