/**
 * E9.4 the book's `StateFuture` (L7099-7237): a future that holds an "on" future and an
 * "off" future and, on every poll, polls the one that matches the current state — then
 * wakes itself and returns Pending. It never completes: it is a switch that keeps one
 * of two behaviours running, and the state machine's `transition` flips it.
 *
 * Invariant: each poll polls exactly one inner future (the current state's), so the
 * other one makes no progress while its state is off; the state is read at the start
 * of every poll, so a transition takes effect on the very next poll.
 */
import { BaseFuture, PENDING, type Context, type Future, type Poll } from "../../index.js";
import type { SwitchState } from "./state-machine.js";

/** The switch the StateFuture reads: whoever owns it sets the state between polls. */
export interface StateCell {
  state: SwitchState;
}

export class StateFuture<A, B> extends BaseFuture<never> {
  /** Polls of each inner future so far (which the lab prints per state period). */
  readonly polls = { On: 0, Off: 0 };
  constructor(
    private readonly cell: StateCell,
    private readonly onFuture: Future<A>,
    private readonly offFuture: Future<B>,
  ) {
    super();
  }
  poll(cx: Context): Poll<never> {
    // The book ignores the inner future's result (`let _ = inner.poll(cx)`): the inner
    // futures here never finish either — they are the work done while in a state.
    if (this.cell.state === "On") {
      this.polls.On++;
      this.onFuture.poll(cx);
    } else {
      this.polls.Off++;
      this.offFuture.poll(cx);
    }
    cx.waker.wake();
    return PENDING;
  }
}

/** An inner future that does one unit of work per poll and never completes (a heater element, a fan). */
export class Ticker extends BaseFuture<never> {
  ticks = 0;
  poll(): Poll<never> {
    this.ticks++;
    return PENDING;
  }
}
