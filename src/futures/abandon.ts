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
 * Which reader: the one polling with the given waker. A combinator that is itself
 * abandoned forwards to its children from its `cancel()`, which has no parameter;
 * the waker travels with it in a module slot for the length of that call (the
 * children were polled with the same context as their parent, so it is theirs too).
 * A combinator that polls children with wakers of its own gets no false match: the
 * shared future finds no entry under the parent's waker and keeps its own — and
 * whenever it does drop an entry it wakes that waker once (task.ts), so even a wrong
 * guess costs a spurious poll, never a lost wake-up.
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

/** The waker of the reader being abandoned, while an `abandon` call runs (see the module doc). */
let abandoning: Waker | undefined = undefined;

/**
 * Let go of `future`: `[ABANDON](waker)` if it is shared, else `cancel()`. `waker` is
 * the one the holder polled `future` with; when omitted, the waker of an enclosing
 * `abandon` call is used.
 */
export function abandon(future: Future<unknown>, waker?: Waker): void {
  const reader = waker ?? abandoning;
  const leave = (future as Partial<Abandonable>)[ABANDON];
  if (leave !== undefined) {
    leave.call(future, reader);
    return;
  }
  if (future.cancel === undefined) return;
  const outer = abandoning;
  abandoning = reader;
  try {
    future.cancel();
  } finally {
    abandoning = outer;
  }
}
