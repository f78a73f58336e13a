/**
 * The virtual clock: time that moves only when a driver (or a test) moves it. The
 * one clock behind every virtual-time run — the sim driver, `VirtualRuntime`, and
 * the tests that drive a live runtime on a hand-moved clock.
 *
 * Invariants:
 * 1. `now()` never decreases.
 * 2. `advanceTo(t)` fires every timer due by `t` in (deadline, registration) order
 *    (TimerHeap), and each fires with the clock at its own deadline — a timer due
 *    at 5 that wakes code reading `now()` sees 5, not the `t` the caller jumped to.
 *    A timer registered while firing, and due by `t`, fires in the same call.
 * 3. Nothing here touches a Node timer: a finished (or abandoned) run holds no handle.
 *
 * Rejected: faking `performance.now()` globally (vitest fake timers) — it would also
 * fake the clock of the code measuring us.
 */
import type { TimerEntry, Timers } from "../futures/poll.js";
import { TimerHeap } from "./timer-heap.js";

export class VirtualTimers implements Timers {
  /** @internal drivers with their own event loop (the sim) read and pop it directly. */
  readonly heap = new TimerHeap();
  /** @internal the clock; only this class and the driver that owns it move it. */
  time: number;

  constructor(start = 0) {
    this.time = start;
  }
  now(): number {
    return this.time;
  }
  /** Number of registered timers. */
  get size(): number {
    return this.heap.size;
  }
  register(entry: TimerEntry): void {
    this.heap.push(entry);
  }
  cancel(entry: TimerEntry): void {
    this.heap.remove(entry);
  }
  /** Deadline of the earliest registered timer, or Infinity. */
  nextDeadline(): number {
    return this.heap.peek()?.deadline ?? Infinity;
  }
  /** Move the clock to `to` (never backwards), waking each timer due by then at its own deadline. */
  advanceTo(to: number): void {
    const heap = this.heap;
    for (let top = heap.peek(); top !== undefined && top.deadline <= to; top = heap.peek()) {
      heap.pop();
      if (top.deadline > this.time) this.time = top.deadline;
      top.waker?.wake();
    }
    if (to > this.time) this.time = to;
  }
  /** Advance by `ms`. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }
}
