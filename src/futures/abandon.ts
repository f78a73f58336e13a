/**
 * Abandoning a future: what a combinator or a generator driver does to a future it
 * will never poll again (a `select` loser, the rest of a failed `tryJoin`, the await
 * of a cancelled coroutine).
 *
 * For a future with one holder that is `cancel()`: the holder was its only reader,
 * so the future may stop its work (unregister timers, run `finally` blocks).
 *
 * A future that many may await at once — a task's `JoinHandle` — is different: the
 * holder that gives up is one reader among several, and the work belongs to the
 * task, not to this reader. Such a future implements {@link ABANDON}; it removes that
 * reader's waker and leaves the work and every other reader alone. Its own `cancel()`
 * keeps meaning "stop the work" (`handle.cancel()` aborts the task), for the code that
 * means exactly that. Tokio draws the same line: dropping a `JoinHandle` detaches,
 * `abort()` stops the task.
 *
 * Why a symbol-keyed method and not a second public method name: a user-written future
 * could have a method of any ordinary name, with any meaning; only the futures that
 * opted in answer to the symbol.
 */
import type { Future, Waker } from "./poll.js";

/** The method a shared future implements to let one reader go (see the module doc). */
export const ABANDON: unique symbol = Symbol("async-lab.abandon");

/** A future that can lose one reader without stopping its work. */
export interface Abandonable {
  /**
   * The reader that polled with `waker` will not poll again. `undefined` when the
   * reader cannot say which waker it used; the future then keeps whatever it holds
   * (a later wake-up through it is spurious, which the poll contract allows).
   */
  [ABANDON](waker?: Waker): void;
}

/** Let go of `future`: `[ABANDON](waker)` if it is shared, else `cancel()`. */
export function abandon(future: Future<unknown>, waker?: Waker): void {
  const leave = (future as Partial<Abandonable>)[ABANDON];
  if (leave !== undefined) leave.call(future, waker);
  else future.cancel?.();
}
