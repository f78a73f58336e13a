/**
 * The smallest futures: `ready`, `pending`, `pollFn`, `yieldNow`, `lazy`.
 * Each is what the book writes by hand in chapter 2 before reaching for Tokio.
 */
import { abandon } from "./abandon.js";
import { BaseFuture, doneStep, yieldedStep } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Future, type Poll } from "./poll.js";

class Ready<T> extends BaseFuture<T> {
  private taken = false;
  constructor(private readonly value: T) {
    super();
  }
  poll(): Poll<T> {
    if (this.taken) throw new PolledAfterCompletion("ready()");
    this.taken = true;
    return this.value;
  }
}

/** A future that is ready with `value` on its first poll. */
export function ready<T>(value: T): BaseFuture<T>;
export function ready(): BaseFuture<void>;
export function ready<T>(value?: T): BaseFuture<T | undefined> {
  return new Ready(value);
}

class Pending<T> extends BaseFuture<T> {
  poll(): Poll<T> {
    return PENDING;
  }
}

/** A future that is never ready (and never wakes anyone). Cancel it to get rid of it. */
export function pending<T = never>(): BaseFuture<T> {
  return new Pending<T>();
}

class PollFn<T> extends BaseFuture<T> {
  constructor(
    private readonly fn: (cx: Context) => Poll<T>,
    private readonly onCancel?: () => void,
  ) {
    super();
  }
  poll(cx: Context): Poll<T> {
    return this.fn(cx);
  }
  override cancel(): void {
    this.onCancel?.();
  }
}

/** A future whose `poll` is the given function (which must keep the poll contract). */
export function pollFn<T>(fn: (cx: Context) => Poll<T>, onCancel?: () => void): BaseFuture<T> {
  return new PollFn(fn, onCancel);
}

/**
 * Returns `PENDING` once — after waking itself, so the task goes to the back of its
 * queue and others get a turn — then `undefined`. Tokio's `yield_now`.
 */
export class YieldNow extends BaseFuture<void> {
  private yielded = false;
  poll(cx: Context): Poll<void> {
    if (this.yielded) return undefined;
    this.yielded = true;
    cx.waker.wake();
    return PENDING;
  }
  /** `yield* yieldNow()`: one shared delegation, see `DELEGATED` below. */
  override [Symbol.iterator](): Iterator<Future<unknown>, void, unknown> {
    delegating = true;
    return YIELD_DELEGATE;
  }
}

/** Give other tasks a turn: pending once (self-woken), then ready. */
export function yieldNow(): BaseFuture<void> {
  return new YieldNow();
}

/**
 * `yield* yieldNow()` — the typed spelling of the busiest await there is — does not
 * hand the fresh YieldNow to the driver: it hands out `DELEGATED`, one YieldNow made
 * here, through one shared iterator. Why: a task that yields a lot lives long, so it
 * and its generator are in V8's old generation, while a fresh YieldNow is young, and
 * every store of it into an old object — the module's "just started" slot, the
 * shared step result, the generator's saved delegate — takes the write barrier's
 * slow path. `perf` put that path at ~18 % of yield_many_typed's CPU time; with the
 * shared objects, all of them old, ~7 %, and CPU time per iteration fell 11–18 % (two
 * sets of seven alternating runs).
 *
 * Sound because the generator driver never polls a YieldNow it meets in a step: it
 * wakes the task and returns PENDING (generator-future.ts, `resumeGenerator`), which
 * is all a first poll would do, and on the next resume the delegation ends. So
 * `DELEGATED` is never polled and its state never changes. (A hand-written driver
 * that did poll it would see a YieldNow that already yielded once: ready at once.)
 * `delegating` carries "a delegation just started" from `[Symbol.iterator]()` to the
 * `next()` that `yield*` calls synchronously after it, as base-future.ts's slot does.
 */
const DELEGATED = new YieldNow();
let delegating = false;
const YIELD_DELEGATE: Iterator<Future<unknown>, void, unknown> = {
  next() {
    if (delegating) {
      delegating = false;
      return yieldedStep(DELEGATED);
    }
    return doneStep(undefined);
  },
  throw(error?: unknown) {
    throw error;
  },
  return(value?: unknown) {
    return doneStep(value as undefined);
  },
};

class Lazy<T> extends BaseFuture<T> {
  private inner: Future<T> | null = null;
  constructor(private readonly make: () => Future<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    if (this.inner === null) this.inner = this.make();
    return this.inner.poll(cx);
  }
  override cancel(): void {
    if (this.inner !== null) abandon(this.inner);
  }
}

/** A future built on its first poll — for work that must not start before it is awaited. */
export function lazy<T>(make: () => Future<T>): BaseFuture<T> {
  return new Lazy(make);
}

class Map<T, U> extends BaseFuture<U> {
  constructor(
    private readonly inner: Future<T>,
    private readonly fn: (value: T) => U,
  ) {
    super();
  }
  poll(cx: Context): Poll<U> {
    const v = this.inner.poll(cx);
    return v === PENDING ? PENDING : this.fn(v);
  }
  override cancel(): void {
    abandon(this.inner);
  }
}

/** A future with the output of `inner` passed through `fn`. */
export function map<T, U>(inner: Future<T>, fn: (value: T) => U): BaseFuture<U> {
  return new Map(inner, fn);
}
