/**
 * `sleep(ms)`: ready once `ms` milliseconds of the driver's clock have passed;
 * `sleepUntil(deadline)`: ready once the driver's clock reads `deadline`.
 *
 * For `sleep` the deadline is fixed at the *first poll*, not at creation, and read from
 * `cx.timers` — so the same future sleeps in real time under the live driver and in
 * virtual time under the sim driver. The sleep *is* its own timer entry (no extra
 * object per sleep): the runtime's timer structure stores it and sets `slot = -1`
 * when it fires.
 */
import { BaseFuture } from "./base-future.js";
import {
  PENDING,
  PolledAfterCompletion,
  type Context,
  type Poll,
  type TimerEntry,
  type Timers,
  type Waker,
} from "./poll.js";

const NEW = 0;
const WAITING = 1;
const DONE = 2;
/** Like NEW, but `deadline` already holds the absolute time (sleepUntil). */
const NEW_AT = 3;

export class Sleep extends BaseFuture<void> implements TimerEntry {
  /** Until the first poll: the duration in ms. After: the absolute deadline. (One field, not two: see the memory
   * bench.) */
  deadline: number;
  waker: Waker | null = null;
  slot = -1;
  private state = NEW;
  private timers: Timers | null = null;

  constructor(ms: number, absolute = false) {
    super();
    this.deadline = ms;
    if (absolute) this.state = NEW_AT;
  }

  poll(cx: Context): Poll<void> {
    switch (this.state) {
      case NEW:
      case NEW_AT: {
        const timers = cx.timers;
        if (timers === undefined) throw new Error("sleep() needs a runtime: poll it inside a task (spawn / blockOn)");
        // A zero (or negative, or NaN) duration is ready without reading the clock.
        if (this.state === NEW && !(this.deadline > 0)) {
          this.state = DONE;
          return undefined;
        }
        const now = timers.now();
        const deadline = this.state === NEW_AT ? this.deadline : now + this.deadline;
        // NaN counts as "now" too: a sleep must never park on a deadline no timer can reach.
        if (!(deadline > now)) {
          this.state = DONE;
          return undefined;
        }
        this.timers = timers;
        this.deadline = deadline;
        this.waker = cx.waker;
        this.state = WAITING;
        timers.register(this);
        return PENDING;
      }
      case WAITING: {
        const timers = this.timers!;
        // Fired (slot reset by the timer structure) or the clock already passed the
        // deadline (a virtual clock can jump): either way we are done.
        if (this.slot === -1 || timers.now() >= this.deadline) {
          if (this.slot !== -1) timers.cancel(this);
          this.state = DONE;
          this.waker = null;
          return undefined;
        }
        this.waker = cx.waker;
        return PENDING;
      }
      default:
        throw new PolledAfterCompletion("sleep()");
    }
  }

  override cancel(): void {
    if (this.state === WAITING && this.slot !== -1) this.timers!.cancel(this);
    this.state = DONE;
    this.waker = null;
  }
}

/** A future ready after `ms` milliseconds of the driver's clock (real or virtual). */
export function sleep(ms: number): Sleep {
  return new Sleep(ms);
}

/** A future ready once the driver's clock (`cx.timers.now()`, ms) reaches `deadline`; at once if it already has. */
export function sleepUntil(deadline: number): Sleep {
  return new Sleep(deadline, true);
}
