/**
 * `sendAfter` / `sendInterval`: a timer entry in the runtime's timer structure whose
 * "waker" tells a message to the actor. No task, no future per timer — firing is
 * one `tell`. An interval re-registers itself for `deadline + period` (no drift).
 *
 * Invariant: once cancelled (by the holder, or because the actor stopped or
 * restarted) the entry is out of the timer structure, so a stopped actor holds no
 * timer and the process can exit.
 */
import type { TimerEntry, Timers, Waker } from "../futures/poll.js";
import type { Cancellable } from "./actor.js";

export class ActorTimer<M> implements TimerEntry, Waker, Cancellable {
  deadline: number;
  waker: Waker = this;
  slot = -1;
  private cancelled = false;

  constructor(
    private readonly timers: Timers,
    private readonly deliver: (message: M) => void,
    private readonly message: M,
    private readonly periodMs: number,
    delayMs: number,
    private readonly onDone: (timer: ActorTimer<M>) => void,
  ) {
    this.deadline = timers.now() + delayMs;
    timers.register(this);
  }

  /** Fired by the timer structure. */
  wake(): void {
    if (this.cancelled) return;
    if (this.periodMs > 0) {
      this.deadline += this.periodMs;
      this.timers.register(this);
    } else {
      this.cancelled = true;
      this.onDone(this);
    }
    this.deliver(this.message);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    if (this.slot !== -1) this.timers.cancel(this);
    this.onDone(this);
  }
}
