/**
 * `AtomicCondvar`: a condition variable in one `Int32Array` cell of a
 * `SharedArrayBuffer` — the book's `std::sync::Condvar`, paired with an
 * {@link AtomicMutex}. Threads sleep in `wait` until another thread calls
 * `notifyOne`/`notifyAll`.
 *
 * The cell is a sequence number that every notify increments. `wait` reads it while
 * still holding the mutex, unlocks, and sleeps only if the number is unchanged
 * (`Atomics.wait(cell, seq)` checks and sleeps in one step).
 *
 * Invariant: a notify made after a waiter read the sequence number — in particular
 * any notify made while holding the mutex after the waiter checked its condition —
 * changes the number, so that waiter either is woken or never falls asleep. No
 * wake-up is lost. (Rust's futex-based `Condvar` works the same way.)
 *
 * As with every condition variable, `wait` may return without a matching notify
 * (a notify meant for an earlier waiter, or a wrapped counter): callers re-check
 * their condition in a loop, or use `waitWhile`. Rejected: a waiter queue in shared
 * memory that hands each notify to exactly one waiter — more state to keep
 * consistent across threads, and the loop is needed anyway.
 */
import type { AtomicMutex } from "./atomic-mutex.js";

export class AtomicCondvar {
  /** A condvar in a fresh one-cell `SharedArrayBuffer`. */
  static allocate(): AtomicCondvar {
    return new AtomicCondvar(new Int32Array(new SharedArrayBuffer(4)), 0);
  }

  constructor(
    readonly cells: Int32Array,
    readonly index = 0,
  ) {
    if (!(cells.buffer instanceof SharedArrayBuffer))
      throw new TypeError("AtomicCondvar needs an Int32Array over a SharedArrayBuffer");
    if (!Number.isInteger(index) || index < 0 || index >= cells.length)
      throw new RangeError(`condvar index ${index} is outside the ${cells.length}-cell array`);
  }

  /**
   * Unlock `mutex`, sleep until notified (or `timeoutMs` passes), lock `mutex` again.
   * The caller must hold `mutex`. Returns false if it timed out.
   */
  wait(mutex: AtomicMutex, timeoutMs = Infinity): boolean {
    const seq = Atomics.load(this.cells, this.index);
    mutex.unlock();
    const outcome = Atomics.wait(this.cells, this.index, seq, timeoutMs);
    mutex.lock();
    return outcome !== "timed-out";
  }

  /** `wait` until `blocked()` is false (checked with the mutex held). Returns false if `timeoutMs` passed first. */
  waitWhile(mutex: AtomicMutex, blocked: () => boolean, timeoutMs = Infinity): boolean {
    const deadline = performance.now() + timeoutMs;
    while (blocked()) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      this.wait(mutex, left);
    }
    return true;
  }

  /** Wake one waiting thread (if any). */
  notifyOne(): void {
    Atomics.add(this.cells, this.index, 1);
    Atomics.notify(this.cells, this.index, 1);
  }

  /** Wake every waiting thread. */
  notifyAll(): void {
    Atomics.add(this.cells, this.index, 1);
    Atomics.notify(this.cells, this.index);
  }
}
