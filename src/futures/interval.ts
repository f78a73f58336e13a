/**
 * `interval(period)`: a ticker on the driver's clock — tokio's `time::interval`,
 * with its missed-tick behaviours.
 *
 * Schedule: the first tick is ready at once (at the first poll of the first
 * `tick()`, or at `start` if given); tick k is due at `start + k·period`. Each
 * `tick()` resolves to the time the tick was *scheduled* for (tokio returns that
 * `Instant` too), not the time it was noticed.
 *
 * A tick is *missed* when it is noticed more than {@link LATE_SLACK_MS} after it was
 * due (tokio's 5 ms slack: a timer that fires a little late is not a missed tick).
 * What comes after a missed tick:
 * - `"burst"` (default): the schedule stays on `start + k·period`; every tick that
 *   is already due is ready at once, one per `tick()`, until it has caught up.
 * - `"delay"`: the schedule restarts from now: the next tick is `now + period`.
 * - `"skip"`: the ticks already due are dropped; the next tick is the next point of
 *   the original schedule after now (`now + period − ((now − due) mod period)`).
 *
 * A `tick()` future that is cancelled (lost a `select`) consumes nothing: the next
 * `tick()` returns the same due time. Only one `tick()` should be pending at a time
 * (the interval is one schedule, as tokio's takes `&mut self`).
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, type Context, type Poll } from "./poll.js";
import { Sleep } from "./sleep.js";

/** What an interval does after it fell behind; see the module doc. */
export type MissedTickBehavior = "burst" | "delay" | "skip";

/** A tick noticed up to this many ms after it was due counts as on time (tokio's slack). */
export const LATE_SLACK_MS = 5;

export interface IntervalOptions {
  missedTickBehavior?: MissedTickBehavior;
  /** Time (driver clock, ms) of the first tick; default: the first poll of the first `tick()`. */
  start?: number;
}

export class Interval {
  /** Clock time of the next tick; NaN until the first `tick()` is polled without `start`. */
  private due: number;
  readonly missedTickBehavior: MissedTickBehavior;

  constructor(
    readonly period: number,
    options: IntervalOptions = {},
  ) {
    if (!(period > 0 && Number.isFinite(period)))
      throw new RangeError(`interval: period must be a positive number of ms, got ${period}`);
    this.missedTickBehavior = options.missedTickBehavior ?? "burst";
    this.due = options.start ?? NaN;
  }

  /** A future of the next tick's scheduled time (ms on the driver's clock). */
  tick(): BaseFuture<number> {
    return new Tick(this);
  }

  /** Restart the schedule: the next tick is due one period after now (the clock `now` given). */
  resetAt(now: number): void {
    this.due = now + this.period;
  }

  /** @internal the due time, fixed at `now` on the first poll. */
  dueFrom(now: number): number {
    if (Number.isNaN(this.due)) this.due = now;
    return this.due;
  }

  /** @internal the tick due at `due` was noticed at `now`: move the schedule on. */
  advance(due: number, now: number): void {
    const period = this.period;
    if (now <= due + LATE_SLACK_MS) {
      this.due = due + period;
      return;
    }
    switch (this.missedTickBehavior) {
      case "burst":
        this.due = due + period;
        break;
      case "delay":
        this.due = now + period;
        break;
      case "skip":
        this.due = now + period - ((now - due) % period);
        break;
    }
  }
}

class Tick extends BaseFuture<number> {
  private timer: Sleep | null = null;
  private result = NaN;
  constructor(private readonly interval: Interval) {
    super();
  }

  poll(cx: Context): Poll<number> {
    if (!Number.isNaN(this.result)) return this.result;
    const timers = cx.timers;
    if (timers === undefined)
      throw new Error("interval().tick() needs a runtime: poll it inside a task (spawn / blockOn)");
    const interval = this.interval;
    const due = interval.dueFrom(timers.now());
    // The sleep is made once, for the due time seen at the first poll.
    const timer = (this.timer ??= new Sleep(due, true));
    if (timer.poll(cx) === PENDING) return PENDING;
    this.timer = null;
    interval.advance(due, timers.now());
    this.result = due;
    return due;
  }

  override cancel(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}

/** A ticker every `period` ms of the driver's clock (real or virtual); see the module doc. */
export function interval(period: number, options?: IntervalOptions): Interval {
  return new Interval(period, options);
}
