/**
 * `ctx.addSource`: async iterables whose items arrive as messages, served by
 * priority — speare's SourceSet, where "sources added earlier in the chain have
 * higher priority" and an always-ready early source starves the later ones.
 *
 * Invariants:
 * 1. Backpressure: each source holds at most one ready item and has at most one
 *    `next()` in flight. The next pull starts only when the actor takes the ready
 *    item, so a fast source never floods the mailbox and an unread one is not drained.
 *    (The rejected alternative, pumping each iterable into the mailbox as items
 *    arrive, had no order between sources and no bound.)
 * 2. Priority: the actor takes the ready item of the earliest-registered source.
 *    speare's "ready" means the stream's `poll_next` answers now; a JS async iterator
 *    always answers on a later microtask, even when it has the item in memory. So a
 *    pull in flight counts as *about to be ready* (`fresh`) until the microtask queue
 *    has drained once: if an earlier source is fresh, a later ready source waits for
 *    one grace turn (a `setImmediate`), and is served only if the earlier source is
 *    still waiting then (real I/O or a timer). Without the grace, two in-memory sources
 *    would simply alternate.
 * 3. At most SOURCE_ITEMS_PER_HOST_TURN items are taken between two host turns. A
 *    source that answers from memory settles its pulls on microtasks, which Node runs
 *    before any timer or I/O: an endless one would otherwise starve the event loop
 *    (and the pump it replaced did, until the heap ran out). Past the bound the set
 *    waits for the same `setImmediate` turn as the grace; the ready items keep their
 *    priority across it.
 * 4. Once cancelled (the holder, or the actor stopped / restarted) a source keeps no
 *    item, its iterator's `return()` was called (an async generator runs its
 *    `finally`, node's timer iterators clear their timer), and a pull that settles
 *    later is dropped. The grace turn holds no handle past that one turn.
 *
 * The mailbox itself is not one of these sources: the actor loop serves it first and
 * looks here only when it is empty (see actor-cell.ts).
 */
import { SOURCE_ITEMS_PER_HOST_TURN } from "../runtime/config.js";
import type { Cancellable } from "./actor.js";

export class SourceSet<M> {
  /** In registration order = priority order. */
  private readonly sources: MessageSource<any, M>[] = [];
  private turnArmed = false;
  /** Items taken since the last host turn (invariant 3). */
  private takenThisTurn = 0;
  private closed = false;

  constructor(
    /** Wake the actor loop: an item is ready, or a grace turn ended. */
    readonly wake: () => void,
    /** A source threw: supervision (phase `run`). */
    readonly fail: (error: unknown) => void,
  ) {}

  add<T>(iterable: AsyncIterable<T>, toMessage: (item: T) => M): Cancellable {
    const source = new MessageSource(this, iterable[Symbol.asyncIterator](), toMessage);
    this.sources.push(source);
    source.pull();
    return source;
  }

  /**
   * The ready item of the highest-priority source, or undefined: nothing is ready,
   * or a ready source must first give an earlier, fresh one its grace turn (a wake is
   * then on its way either way).
   */
  take(): M | undefined {
    const sources = this.sources;
    let earlierIsFresh = false;
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i]!;
      if (source.hasItem) {
        if (earlierIsFresh || this.takenThisTurn >= SOURCE_ITEMS_PER_HOST_TURN) {
          this.armHostTurn();
          return undefined;
        }
        this.takenThisTurn++;
        return source.take();
      }
      if (source.fresh) earlierIsFresh = true;
    }
    return undefined;
  }

  /** Cancel every source (the actor stops or restarts). */
  close(): void {
    this.closed = true;
    for (const source of [...this.sources]) source.cancel();
  }

  /** @internal */
  forget(source: MessageSource<any, M>): void {
    const i = this.sources.indexOf(source);
    if (i >= 0) this.sources.splice(i, 1);
  }

  private armHostTurn(): void {
    if (this.turnArmed) return;
    this.turnArmed = true;
    setImmediate(this.hostTurn);
  }

  /** The microtask queue has drained since every pull now in flight began: none of them is "ready". */
  private readonly hostTurn = (): void => {
    this.turnArmed = false;
    this.takenThisTurn = 0;
    if (this.closed) return;
    for (const source of this.sources) source.fresh = false;
    this.wake();
  };
}

class MessageSource<T, M> implements Cancellable {
  hasItem = false;
  /** A pull is in flight and the microtask queue has not drained since it began. */
  fresh = false;
  private item: M | undefined = undefined;
  private cancelled = false;

  constructor(
    private readonly set: SourceSet<M>,
    private readonly iterator: AsyncIterator<T>,
    private readonly toMessage: (item: T) => M,
  ) {}

  /** Hand the ready item to the actor and ask for the next one (the only place a pull starts after the first). */
  take(): M {
    const item = this.item as M;
    this.item = undefined;
    this.hasItem = false;
    this.pull();
    return item;
  }

  pull(): void {
    this.fresh = true;
    let next: Promise<IteratorResult<T>>;
    try {
      next = Promise.resolve(this.iterator.next());
    } catch (error) {
      this.failed(error);
      return;
    }
    next.then(this.arrived, this.failed);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.item = undefined;
    this.hasItem = false;
    this.fresh = false;
    this.set.forget(this);
    // An async generator with a pull in flight queues this return() behind it.
    void Promise.resolve(this.iterator.return?.()).catch(() => {});
  }

  private readonly arrived = (result: IteratorResult<T>): void => {
    this.fresh = false;
    if (this.cancelled) return;
    if (result.done === true) {
      this.cancelled = true;
      this.set.forget(this);
      this.set.wake(); // a later source may have been waiting on this one
      return;
    }
    let message: M;
    try {
      message = this.toMessage(result.value);
    } catch (error) {
      this.failed(error);
      return;
    }
    this.item = message;
    this.hasItem = true;
    this.set.wake();
  };

  private readonly failed = (error: unknown): void => {
    this.fresh = false;
    if (this.cancelled) return;
    this.cancel();
    this.set.fail(error);
  };
}
