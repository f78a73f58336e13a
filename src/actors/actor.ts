/**
 * What an actor is: state plus a `handle` for its messages, and lifecycle hooks —
 * the union of what speare, spawned and rsactor offer (see BOOK.md, "Actor-library
 * features").
 *
 * A step (a hook's or handler's result) may be a plain value, a future, a generator
 * (`*handle(msg) { const v = yield* sleep(10); ... }`) or a promise. Plain values cost
 * nothing extra: a synchronous handler is called and done, with no future built.
 *
 * The reply rule: a handler's result is awaited only if it is a future (has `poll`),
 * a generator, or a promise (has `then`); anything else is the reply as is. An
 * `ActorRef` is none of those (the actor's task is a separate object), so a handler
 * can reply with a ref — its own, a child's — and the asker gets the ref. To reply
 * with a future itself rather than its value, wrap it (`{ future }`).
 */
import type { Awaitable } from "../futures/base-future.js";
import type { Future } from "../futures/poll.js";
import type { Co } from "../futures/generator-future.js";
import type { JoinHandle } from "../runtime/task.js";
import type { ActorMetricsSnapshot } from "./actor-metrics.js";
import type { SupervisionOptions } from "./supervision.js";
import type { WeakActorRef } from "./weak-ref.js";

/** Where an actor was when it failed (rsactor's OnStart / OnRun / OnStop, plus handle). */
export type Phase = "start" | "run" | "handle" | "stop";

/** How an actor ended: `join()`'s value. */
export type ActorExit =
  | { readonly kind: "completed"; readonly killed: boolean }
  | { readonly kind: "failed"; readonly phase: Phase; readonly error: unknown };

/** A hook's or handler's result: a value, or something that produces one later. */
export type Step<T> = T | Future<T> | Co<T> | PromiseLike<T>;

export interface Actor<M, R = unknown> {
  /** Runs before the first message; a throw here fails the actor in phase `start`. */
  started?(ctx: ActorContext<M, R>): Step<void>;
  /**
   * One message at a time (unless `concurrency` > 1); the value is the `ask` reply. A
   * throw fails that message's `ask` with the error and fails the actor (phase
   * `handle`): its supervisor decides what follows — a child restarts by default, a
   * top-level actor stops unless the system's `supervision` says otherwise, and the
   * `resume` directive loses only this message.
   */
  handle(message: M, ctx: ActorContext<M, R>): Step<R>;
  /** rsactor's `on_run`: re-invoked after each completion, alongside message handling, until the actor stops. */
  run?(ctx: ActorContext<M, R>): Step<void>;
  /** After `stop()` (killed = false) or `kill()` (killed = true); not after a failure. */
  stopped?(ctx: ActorContext<M, R>, killed: boolean): Step<void>;
}

/** Builds a fresh actor: at spawn, and again at each restart. */
export type ActorFactory<M, R = unknown> = () => Actor<M, R>;

export interface SpawnActorOptions {
  /** For errors and traces (default `actor-<id>`). */
  name?: string;
  /** Bounded mailbox size (default unbounded). */
  capacity?: number;
  /**
   * How many handlers may run at once (default 1; an integer >= 1). With N > 1 the
   * actor takes the next message while up to N-1 handlers are still awaiting
   * (thespis' "stateless actor" that processes concurrently), so handlers that wait
   * on I/O or timers overlap. Replies still go to their own `ask`; a throw loses
   * only that handler's message; `stop()` waits for every handler in flight,
   * `kill()` cancels them all, and so does a restart (the other handlers belong to the
   * discarded instance; their asks fail `ActorStopped`). Messages are *started* in
   * mailbox order, but may finish in any order.
   *
   * Opt-in because it gives up the actor's core guarantee: with N = 1 a handler is
   * the only code touching the actor's state until it returns, so state needs no
   * lock even across `yield*`. With N > 1 two handlers that read state, await, then
   * write it back interleave and lose updates — only use it when `handle` does not
   * mutate state kept between messages (or guards it itself).
   */
  concurrency?: number;
  /** How this actor supervises the children it spawns. */
  supervision?: SupervisionOptions;
  /** Keep per-actor metrics (`ref.metrics()`); default: the system's `metrics` option. */
  metrics?: boolean;
}

/** The sender's side, type-erased to the message type (spawned's / thespis' `Recipient<M>`). */
export interface Recipient<M, R = unknown> {
  readonly name: string;
  /** Queue `message`; throws `MailboxFull` (bounded, full) or `ActorStopped`. */
  tell(message: M): void;
  /** Like `tell` but answers false instead of throwing. */
  tryTell(message: M): boolean;
  /**
   * A future that waits for room in a bounded mailbox, then queues `message`. Nothing
   * is queued until it is driven: `yield* ref.send(m)` in a task, or `await ref.send(m)`.
   * Fails `ActorStopped` if the actor stops first. Cancel-safe: a send that gives up
   * leaves the line and passes on a wake-up it had not used.
   */
  send(message: M): Future<void> & PromiseLike<void> & Awaitable<void>;
  /**
   * Request/reply: the handler's value. Fails with the handler's error, `ActorStopped`
   * or `RequestTimeout`. On a full bounded mailbox it waits for room like `send`
   * (within its timeout). Any number of awaiters; awaiting it again gives the same outcome.
   */
  ask(message: M, timeoutMs?: number): Future<R> & PromiseLike<R> & Awaitable<R>;
}

export interface ActorRef<M, R = unknown> extends Recipient<M, R> {
  readonly id: number;
  /** Finish what is queued (later tells fail), run `stopped(false)`, end. */
  stop(): void;
  /** End now: the current handler is cancelled, queued messages dropped, `stopped(true)` runs. */
  kill(): void;
  /** Resolves with how the actor ended. */
  join(): JoinHandle<ActorExit>;
  readonly isAlive: boolean;
  /** Queue `message` in the priority lane, served before the normal mailbox (unbounded; throws `ActorStopped`). */
  tellPriority(message: M): void;
  /** A weak ref: keeps the identity, not the actor (`upgrade()` → the ref while it lives). */
  downgrade(): WeakActorRef<M, R>;
  /** A snapshot of the actor's metrics, if it keeps them (spawn option or system option `metrics`). */
  metrics(): ActorMetricsSnapshot | undefined;
}

/** What handlers and hooks get besides the message. */
export interface ActorContext<M, R = unknown> {
  readonly self: ActorRef<M, R>;
  /** The clock the actor's timers use (real, fake or virtual). */
  now(): number;
  /** Spawn a child supervised by this actor. */
  spawn<CM, CR>(factory: ActorFactory<CM, CR>, options?: SpawnActorOptions): ActorRef<CM, CR>;
  /** Tell `message` to self after `ms`; cancelled when the actor stops or restarts. */
  sendAfter(message: M, ms: number): Cancellable;
  /** Tell `message` to self every `ms` (first after `ms`); cancelled when the actor stops or restarts. */
  sendInterval(message: M, ms: number): Cancellable;
  /**
   * Each item of `source` arrives as `toMessage(item)`, pulled one at a time (the next
   * only after the actor took the previous). When several sources are ready the
   * earliest registered goes first, so an always-ready source starves later ones
   * (speare); register a high-throughput source last. The mailbox is served before
   * every source. Cancelled (`return()` on the iterator) when the actor stops or restarts.
   */
  addSource<T>(source: AsyncIterable<T>, toMessage: (item: T) => M): Cancellable;
  /**
   * Run `work` in the background; its value arrives as `toMessage(value)` (waiting
   * for room in a full bounded mailbox), its error goes to supervision (phase `run`;
   * `resume` keeps the actor going).
   */
  task<T>(work: Future<T> | Co<T>, toMessage: (value: T) => M): Cancellable;
  /** Stop every child (each finishes its queue) and wait until all have ended: `yield* ctx.stopChildren()`. */
  stopChildren(): Future<void> & Iterable<Future<unknown>>;
  /** Restart every child now (fresh state, same address), as a one-for-all restart would. */
  restartChildren(): void;
  /** When `actor` (a local actor) ends for good — not at a restart — `toMessage(exit)` arrives here. Cancelled when
   * this actor stops or restarts. */
  watch<X>(actor: ActorRef<X, any>, toMessage: (exit: ActorExit) => M): Cancellable;
}

export interface Cancellable {
  cancel(): void;
}
