/**
 * The poll contract — the one rule every other file in this library keeps.
 *
 * A future is any object with `poll(cx)`. Polling either returns the value, or the
 * unique sentinel `PENDING`. Returning `PENDING` is a promise to the caller:
 * `cx.waker.wake()` *will* be called once progress is possible. Whoever polls the
 * future (a task, a combinator) relies on that promise to know when to poll again;
 * a future that returns `PENDING` without arranging a wake is never polled again.
 *
 * Why a sentinel and not `{ ready: true, value }` as Rust's `Poll<T>` enum: a ready
 * poll then allocates nothing, which matters on the executor's hot path.
 *
 * JavaScript has no `Drop`, so cancellation is explicit: a future *may* expose
 * `cancel()`. Combinators call it on the futures they abandon (a `select` loser, the
 * rest of a failed `tryJoin`) and the executor calls it on cancelled tasks, so timers
 * are unregistered and generator `finally` blocks run.
 */

/** The value a future returns from `poll` when it is not ready yet. */
export const PENDING: unique symbol = Symbol("PENDING");
/** The type of {@link PENDING}. */
export type Pending = typeof PENDING;
/** What `poll` returns: the value, or {@link PENDING}. */
export type Poll<T> = T | Pending;

/** A handle that reschedules whoever is waiting on a future. Waking twice is harmless. */
export interface Waker {
  wake(): void;
}

/** Clock and timer registry that time-based futures (`sleep`, `timeout`) use. */
export interface Timers {
  /** Current time in milliseconds (real or virtual, depending on the driver). */
  now(): number;
  /** Wake `entry.waker` once `now() >= entry.deadline`. An entry is registered at most once at a time. */
  register(entry: TimerEntry): void;
  /** Forget a registered entry (no-op if it already fired or was never registered). */
  cancel(entry: TimerEntry): void;
  /**
   * A number in [0, 1) for choices a future makes at random (a fair `select`'s
   * start index). Drivers that replay runs from a seed provide it, so those choices
   * replay too; without it, `Math.random` is used.
   */
  random?(): number;
  /**
   * An index in [0, n) for a choice among `n` options a future makes (a fair
   * `select`'s start). Preferred over `random` where offered: the sim driver routes it
   * through its one chooser, so `lab explore` can search it like any other choice.
   */
  choose?(n: number): number;
}

/** One pending timer. Owned by the future that registered it; the timer structure keeps `slot`. */
export interface TimerEntry {
  /** When it is due, on the driver's clock. Changed only while not registered: the structure files it by it. */
  deadline: number;
  waker: Waker | null;
  /** Position inside the timer structure, -1 when not registered. Only the structure writes it. */
  slot: number;
}

/** What a future is given when polled. */
export interface Context {
  readonly waker: Waker;
  /** The driver's clock and timers. Absent when a future is polled by hand with no runtime. */
  readonly timers?: Timers | undefined;
}

/** A value that will be ready later; see the module doc for the contract. */
export interface Future<T> {
  poll(cx: Context): Poll<T>;
  /** Abandon the future: release timers, run `finally` blocks. Idempotent. */
  cancel?(): void;
}

/** The result type of a future. */
export type Output<F> = F extends Future<infer T> ? T : never;

/** True if `value` follows the poll contract (has a `poll` method). */
export function isFuture(value: unknown): value is Future<unknown> {
  return typeof value === "object" && value !== null && typeof (value as Future<unknown>).poll === "function";
}

/** A waker that does nothing — for polling a future by hand in tests and examples. */
export const noopWaker: Waker = { wake() {} };

/** Error thrown when a future is polled again after it already returned its value. */
export class PolledAfterCompletion extends Error {
  constructor(what = "future") {
    super(`${what} polled after it returned its value (the poll contract forbids this)`);
    this.name = "PolledAfterCompletion";
  }
}
