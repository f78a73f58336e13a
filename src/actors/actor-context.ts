/**
 * The context face of an actor (`ActorContext`, what its handlers get) and what it
 * owns: its clock, its resources (timers, sources, background tasks), its end and
 * its metrics. The cell (actor-cell.ts) adds the lifecycle state machine and the
 * children on top; the address (actor-address.ts) is underneath.
 *
 * Invariants:
 * 1. The clock is the system's if it has one (a fake clock in tests), else the
 *    runtime's that polls the actor — known from the first poll on, so `now` and the
 *    timers work in hooks and handlers, not from outside before the actor ran.
 * 2. Resources are built on first use and released as a whole (actor-resources.ts);
 *    like every rarely used part, they live in `extras`, built on first use too
 *    (actor-extras.ts), so an idle actor pays one null field for all of them.
 * 3. `exit` is set once, when the actor reaches DONE; everyone on the end line is
 *    woken then (actor-end.ts).
 */
import type { Co } from "../futures/generator-future.js";
import type { Context, Future, Timers } from "../futures/poll.js";
import { WaiterList } from "../futures/waiter-list.js";
import type {
  ActorContext,
  ActorExit,
  ActorFactory,
  ActorRef,
  Cancellable,
  Phase,
  SpawnActorOptions,
} from "./actor.js";
import { ActorAddress } from "./actor-address.js";
import type { ActorHost } from "./actor-host.js";
import { ActorExtras } from "./actor-extras.js";
import { ActorMetrics, type ActorMetricsSnapshot } from "./actor-metrics.js";
import { ActorResources } from "./actor-resources.js";
import { PLAIN, toStep } from "./step.js";

export abstract class ActorScope<M, R> extends ActorAddress<M, R> implements ActorContext<M, R> {
  /** The actor's context for its polls: its task's waker, and its clock (invariant 1). */
  protected cx: Context | null = null;
  protected exit: ActorExit | null = null;
  /** The rarely used parts (actor-extras.ts); null while none is used. */
  protected extras: ActorExtras<M> | null = null;

  constructor(id: number, name: string, capacity: number | undefined, host: ActorHost, metrics: boolean) {
    super(id, name, capacity, host);
    if (metrics) this.more().metrics = new ActorMetrics();
  }

  /** The rarely used parts, built now if they were not yet. */
  protected more(): ActorExtras<M> {
    return (this.extras ??= new ActorExtras<M>());
  }

  /** @internal null unless metrics are kept (actor-metrics.ts). */
  get metricsKept(): ActorMetrics | null {
    const extras = this.extras;
    return extras === null ? null : extras.metrics;
  }

  /** @internal those waiting for this actor's end (actor-end.ts). */
  get endWaiters(): WaiterList | null {
    const extras = this.extras;
    return extras === null ? null : extras.endWaiters;
  }

  set endWaiters(list: WaiterList | null) {
    if (list !== null || this.extras !== null) this.more().endWaiters = list;
  }

  /** Timers, sources and background tasks, if any was ever added (actor-resources.ts). */
  protected get resources(): ActorResources<M> | null {
    const extras = this.extras;
    return extras === null ? null : extras.resources;
  }

  abstract spawn<CM, CR>(factory: ActorFactory<CM, CR>, options?: SpawnActorOptions): ActorRef<CM, CR>;
  abstract stopChildren(): Future<void> & Iterable<Future<unknown>>;
  abstract restartChildren(): void;
  abstract watch<X>(actor: ActorRef<X, any>, toMessage: (exit: ActorExit) => M): Cancellable;
  /** Something failed outside a handler (a background task, a source): supervision decides. */
  abstract reportFailure(phase: Phase, error: unknown): void;

  /** @internal how the actor ended, once it has (actor-end.ts). */
  get exitValue(): ActorExit | null {
    return this.exit;
  }

  metrics(): ActorMetricsSnapshot | undefined {
    return this.metricsKept?.snapshot(this.mailbox.size);
  }

  /** @internal resolves when the actor ended (no task needed: a plain waker on the end line). */
  whenEnded(): Promise<ActorExit> {
    const exit = this.exit;
    if (exit !== null) return Promise.resolve(exit);
    return new Promise((resolve) => {
      (this.endWaiters ??= new WaiterList()).register(null, { wake: () => resolve(this.exit!) });
    });
  }

  get context(): ActorContext<M, R> {
    return this;
  }

  get self(): ActorRef<M, R> {
    return this;
  }

  now(): number {
    return this.timers().now();
  }

  sendAfter(message: M, ms: number): Cancellable {
    return this.own().timer(this.timers(), message, 0, ms);
  }

  sendInterval(message: M, ms: number): Cancellable {
    if (!(ms > 0)) throw new RangeError(`interval must be > 0 ms, got ${ms}`);
    return this.own().timer(this.timers(), message, ms, ms);
  }

  addSource<T>(source: AsyncIterable<T>, toMessage: (item: T) => M): Cancellable {
    if (source === null || typeof (source as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] !== "function") {
      throw new TypeError(`actor ${this.name}: addSource needs an async iterable`);
    }
    return this.own().source(source, toMessage);
  }

  task<T>(work: Future<T> | Co<T>, toMessage: (value: T) => M): Cancellable {
    const step = toStep(work);
    if (step === PLAIN) throw new TypeError("ctx.task needs a future or a generator");
    return this.own().task(this.host.spawner, step as Future<T>, toMessage, this.cx?.timers ?? this.host.timers);
  }

  /** @internal a timer's or task's message could not be queued. */
  undelivered(message: M, why: "mailbox-full" | "stopped"): void {
    this.lost(message, why);
  }

  /** @internal wake the actor's task (a request from outside its poll, a source item). */
  wakeLoop(): void {
    // Before the first poll the task is already scheduled: nothing to wake.
    this.cx?.waker.wake();
  }

  private own(): ActorResources<M> {
    const extras = this.more();
    return (extras.resources ??= new ActorResources<M>(this));
  }

  private timers(): Timers {
    const timers = this.cx?.timers ?? this.host.timers;
    if (timers === undefined)
      throw new Error(`actor ${this.name}: no timers (use sendAfter/now inside the actor's hooks)`);
    return timers;
  }
}
