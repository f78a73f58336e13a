/**
 * Real-time timers for the live driver: one `TimerHeap`, one Node timer.
 *
 * Invariant: a Node timer is armed iff the heap is non-empty, for (about) the
 * earliest deadline. So 10,000 sleeping tasks cost one Node timer, and a runtime
 * whose last sleep was cancelled holds no handle — the process can exit.
 *
 * A timer never fires before its deadline (`sleep(ms)` waits at least `ms`, as tokio's
 * does). Node fires by the event loop's cached millisecond clock, which may lag
 * `performance.now()`, so its timer can come back before the earliest deadline by our
 * clock: then nothing is due yet, and it re-arms for the rest (the price is up to
 * ~1 ms of lateness; firing "close enough" entries early would break the promise).
 *
 * Cancelling the earliest entry does not re-arm: the armed timer fires a little
 * early, finds nothing due, and re-arms. That trades one spurious wake-up for not
 * churning `clearTimeout`/`setTimeout` on every `select` loser.
 *
 * A Node timer cannot wait longer than 2^31 − 1 ms (about 24.8 days): asked for more
 * (or for `Infinity`), Node warns and fires after 1 ms. A far deadline is therefore
 * armed for the longest wait Node allows, and re-armed from there — otherwise a
 * `sleep(Infinity)` or a month-long sleep would wake the process every millisecond.
 */
import type { TimerEntry, Timers } from "../futures/poll.js";
import { MAX_TIMER_DELAY_MS } from "./host-timeout.js";
import { TimerHeap } from "./timer-heap.js";

export class LiveTimers implements Timers {
  private readonly heap = new TimerHeap();
  private handle: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  /** Number of registered timers (for stats and tests). */
  get size(): number {
    return this.heap.size;
  }

  now(): number {
    return performance.now();
  }

  register(entry: TimerEntry): void {
    this.heap.push(entry);
    if (entry.deadline < this.armedFor) this.arm(entry.deadline);
  }

  cancel(entry: TimerEntry): void {
    this.heap.remove(entry);
    if (this.heap.size === 0) this.disarm();
  }

  private readonly fire = (): void => {
    this.handle = null;
    this.armedFor = Infinity;
    const due = performance.now();
    const heap = this.heap;
    let top = heap.peek();
    while (top !== undefined && top.deadline <= due) {
      heap.pop();
      top.waker?.wake();
      top = heap.peek();
    }
    if (top !== undefined) this.arm(top.deadline);
  };

  private arm(deadline: number): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.armedFor = deadline;
    // Rounded up: Node counts whole milliseconds and drops the fraction, which would
    // bring the timer back a fraction early and cost a second, 1 ms arm.
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, Math.ceil(deadline - performance.now())));
    this.handle = setTimeout(this.fire, delay);
  }

  private disarm(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    this.armedFor = Infinity;
  }
}
