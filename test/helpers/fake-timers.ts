/** A manual clock implementing `Timers`: time moves only when a test calls `advance`. */
import type { TimerEntry, Timers } from "../../src/futures/poll.js";

export class FakeTimers implements Timers {
  private time = 0;
  private readonly entries = new Set<TimerEntry>();
  get size(): number {
    return this.entries.size;
  }
  now(): number {
    return this.time;
  }
  register(entry: TimerEntry): void {
    entry.slot = 0;
    this.entries.add(entry);
  }
  cancel(entry: TimerEntry): void {
    entry.slot = -1;
    this.entries.delete(entry);
  }
  /** Move the clock by `ms`, firing due entries in deadline order (each at its own deadline). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: TimerEntry | null = null;
      for (const e of this.entries) if (e.deadline <= end && (next === null || e.deadline < next.deadline)) next = e;
      if (next === null) break;
      this.time = Math.max(this.time, next.deadline);
      this.entries.delete(next);
      next.slot = -1;
      next.waker?.wake();
    }
    this.time = end;
  }
}

/** Let the live runtime run everything that is ready (a few event-loop turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
