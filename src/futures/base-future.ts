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
 *
 * What `yield*` costs over a plain `yield`, and why no future can present itself
 * more cheaply: V8 runs the delegation as one `[Symbol.iterator]()` call and then
 * a `next()` call per step — two steps per await (the one that hands the future
 * out, the one that takes the value in). Measured on a bare driver loop (Node 20,
 * the bench machine, median of three rounds): `yield f` 9.3 ns per await, `yield* f`
 * with this self-iterator 18.5 ns; a `yield*` over an iterator that is done at its
 * first `next()` — the delegation alone, awaiting nothing — already costs 4.8 ns,
 * and keeping the "just started" flag on the instance instead of the module slot
 * was no faster (18–24 ns). The rest is the second `next()` and its result, which
 * the protocol requires. So the typed spelling stays ~9 ns dearer per await.
 */
import { abandon } from "./abandon.js";
import type { Context, Future, Poll } from "./poll.js";

let justStarted: unknown = null;
/**
 * The two shared results are made by the generator builtins themselves, not written
 * as `{ value, done }` literals: a literal has a hidden class of its own, while
 * `yield*` hands our result to the driver as is, so the driver's one `step.done` /
 * `step.value` site would see two shapes (the builtin's, from every plain `yield`,
 * and the literal's) and go polymorphic for every task. Taken from the builtin, both
 * have the shape every generator step has.
 */
const YIELDED = (function* () {
  yield undefined;
})().next() as { value: unknown; done: false };
const DONE = (function* () {})().next() as { value: unknown; done: true };

/**
 * @internal a `yield*` step that hands `future` to the driver, in the shared
 * builtin-shaped result (for iterators other than BaseFuture's own: basic.ts).
 */
export function yieldedStep(future: Future<unknown>): IteratorResult<Future<unknown>, never> {
  YIELDED.value = future;
  return YIELDED as IteratorResult<Future<unknown>, never>;
}

/** @internal a `yield*` step that ends the delegation with `value` (the shared result, as above). */
export function doneStep<T>(value: T): IteratorResult<Future<unknown>, T> {
  DONE.value = value;
  return DONE as IteratorResult<Future<unknown>, T>;
}

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

  /** Iterator protocol for `yield*`; see the module doc. (Not for direct calls; public because `Iterator` requires it.)
   * */
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
