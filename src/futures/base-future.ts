/**
 * `BaseFuture`: the poll contract plus the ability to be awaited inside a generator
 * with `yield* future` — the `.await` of this library.
 *
 * How `yield* f` works: the generator delegates to `f[Symbol.iterator]()`. The first
 * `next()` hands the future itself out to whoever drives the generator (a
 * {@link GeneratorFuture}); the driver polls it until ready and resumes the generator with
 * `gen.next(value)`, which the delegation forwards to our `next(value)`; we answer
 * "done, value" and `yield*` evaluates to that value. Errors come back as
 * `gen.throw(err)` → our `throw(err)` rethrows at the `yield*` expression, where the
 * generator's own `try/catch` sees it. `gen.return()` (cancellation) → our `return`
 * completes the delegation so the generator's `finally` blocks run.
 *
 * Why not `*[Symbol.iterator]() { return yield this }`: that allocates a generator
 * object on every await. Instead the future is its own iterator and stays stateless:
 * `[Symbol.iterator]()` remembers "this future was just started" in a module slot,
 * and the `next()` that `yield*` calls synchronously right after it reads and clears
 * the slot. No other code can run between those two calls (same synchronous
 * evaluation of the `yield*`), so the slot cannot be confused. The two result
 * objects are shared and reused: `yield*` and the driver read `done`/`value` at
 * once and never keep them. Net cost of an await: zero allocations.
 */
import { abandon } from "./abandon.js";
import type { Context, Future, Poll } from "./poll.js";

let justStarted: unknown = null;
const YIELDED: { value: unknown; done: false } = { value: undefined, done: false };
const DONE: { value: unknown; done: true } = { value: undefined, done: true };

/** An `Iterator` whose `yield*` awaits the future and evaluates to its output. */
export interface Awaitable<T> {
  [Symbol.iterator](): Iterator<Future<unknown>, T, unknown>;
}

/** Base class for futures in this library: implement `poll`, get `yield*` for free. */
export abstract class BaseFuture<T> implements Future<T>, Awaitable<T>, Iterator<Future<unknown>, T, unknown> {
  abstract poll(cx: Context): Poll<T>;

  cancel(): void {}

  [Symbol.iterator](): Iterator<Future<unknown>, T, unknown> {
    justStarted = this;
    return this;
  }

  /** Iterator protocol for `yield*`; see the module doc. (Not for direct calls; public because `Iterator` requires it.) */
  next(value?: unknown): IteratorResult<Future<unknown>, T> {
    if (justStarted === this) {
      justStarted = null;
      YIELDED.value = this;
      return YIELDED as IteratorResult<Future<unknown>, T>;
    }
    DONE.value = value;
    return DONE as IteratorResult<Future<unknown>, T>;
  }

  /** Iterator protocol: a failure of this future surfaces at the `yield*` expression. */
  throw(error?: unknown): IteratorResult<Future<unknown>, T> {
    throw error;
  }

  /** Iterator protocol, cancellation: end the delegation so the generator's `finally` runs. */
  return(value?: unknown): IteratorResult<Future<unknown>, T> {
    DONE.value = value;
    return DONE as IteratorResult<Future<unknown>, T>;
  }
}

/** Wrap any `{ poll }` object so it can be awaited with `yield*`. */
export function awaitable<T>(future: Future<T>): BaseFuture<T> {
  if (future instanceof BaseFuture) return future;
  return new Wrapped(future);
}

class Wrapped<T> extends BaseFuture<T> {
  constructor(private readonly inner: Future<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    return this.inner.poll(cx);
  }
  override cancel(): void {
    abandon(this.inner);
  }
}
