/**
 * The smallest futures: `ready`, `pending`, `pollFn`, `yieldNow`, `lazy`.
 * Each is what the book writes by hand in chapter 2 before reaching for Tokio.
 */
import { abandon } from "./abandon.js";
import { BaseFuture } from "./base-future.js";
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
}

/** Give other tasks a turn: pending once (self-woken), then ready. */
export function yieldNow(): BaseFuture<void> {
  return new YieldNow();
}

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
