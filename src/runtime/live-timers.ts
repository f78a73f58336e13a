/**
 * Real-time timers for the live driver: one `TimerBuckets`, one Node timer.
 *
 * Invariant: a Node timer is armed iff a timer is registered, for (about) the
 * earliest deadline, rounded up to its millisecond (timer-buckets.ts). So 10,000
 * sleeping tasks cost one Node timer, and a runtime whose last sleep was cancelled
 * holds no handle — the process can exit.
 *
 * A timer never fires before its deadline (`sleep(ms)` waits at least `ms`, as tokio's
 * does). Node fires by the event loop's cached millisecond clock, which may lag
 * `performance.now()`, so its timer can come back before the earliest deadline by our
 * clock: then nothing is due yet, and it re-arms for the rest (firing "close enough"
 * entries early would break the promise). Deadlines are rounded up to the next whole
 * millisecond, so a timer comes back up to ~1 ms after its deadline, plus Node's own
 * lag — as tokio's timer wheel, whose slots are 1 ms, rounds up too.
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
import { TimerBuckets } from "./timer-buckets.js";

export class LiveTimers implements Timers {
  private readonly buckets = new TimerBuckets();
  private handle: NodeJS.Timeout | null = null;
  private armedFor = Infinity;

  /** Number of registered timers (for stats and tests). */
  get size(): number {
    return this.buckets.size;
  }

  now(): number {
    return performance.now();
  }

  register(entry: TimerEntry): void {
    const key = this.buckets.push(entry);
    // `this.handle === null`: the first timer, or one that is as far off as `Infinity`.
    if (key < this.armedFor || this.handle === null) this.arm(key);
  }

  cancel(entry: TimerEntry): void {
    this.buckets.remove(entry);
    if (this.buckets.size === 0) this.disarm();
  }

  private readonly fire = (): void => {
    this.handle = null;
    this.armedFor = Infinity;
    const buckets = this.buckets;
    try {
      buckets.fireDue(performance.now());
    } finally {
      // Also when a waker threw: the timers after it must still have a Node timer.
      if (buckets.size > 0) this.arm(buckets.earliest());
    }
  };

  /** Arm the Node timer for `key`, a whole millisecond of `performance.now()`'s clock. */
  private arm(key: number): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.armedFor = key;
    // Rounded up: Node counts whole milliseconds and drops the fraction, which would
    // bring the timer back a fraction early and cost a second, 1 ms arm.
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, Math.ceil(key - performance.now())));
    this.handle = setTimeout(this.fire, delay);
  }

  private disarm(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    this.armedFor = Infinity;
  }
}
