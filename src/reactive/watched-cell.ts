/**
 * `WatchedCell`: an `AtomicCell` subject that also keeps the wakers of the futures
 * observing it, and wakes them only when its value changes.
 *
 * Invariants:
 * 1. A registered waker is woken at most once per registration, and only by a write
 *    that changed the value (a store of the same value wakes nobody).
 * 2. No lost wake-up: an observer compares its snapshot with `load()` *before*
 *    registering in `changed()`; any write after that load runs `notify`, which sees
 *    the registration (single thread: nothing runs between the load and the push).
 * Writes from *another thread* straight into the shared buffer bypass `notify`: such
 * a writer must call back on this thread (e.g. `postMessage`) — the price of waking
 * instead of polling. Rejected alternative: an `Atomics.waitAsync` per observer, which
 * costs a promise per change and takes the observer off our own scheduler.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Poll, type Waker } from "../futures/poll.js";
import { AtomicCell } from "./atomic-cell.js";

export class WatchedCell extends AtomicCell {
  private watchers: Waker[] = [];
  /** Wakes delivered (for the lab's "polls per change" figures and the tests). */
  wakes = 0;

  /** Register `waker` to be woken at the next change (one-shot). */
  watch(waker: Waker): void {
    this.watchers.push(waker);
  }

  /** Ready (with the new value) once the cell holds something other than `snapshot`. */
  changed(snapshot: number): Changed {
    return new Changed(this, snapshot);
  }

  override store(value: number): void {
    const old = Atomics.exchange(this.view, this.index, value);
    if (old !== value) this.notify();
  }
  override add(delta: number): number {
    const old = super.add(delta);
    if (delta !== 0) this.notify();
    return old;
  }
  override sub(delta: number): number {
    const old = super.sub(delta);
    if (delta !== 0) this.notify();
    return old;
  }
  override compareExchange(expected: number, next: number) {
    const r = super.compareExchange(expected, next);
    if (r.ok && expected !== next) this.notify();
    return r;
  }

  private notify(): void {
    const watchers = this.watchers;
    if (watchers.length === 0) return;
    // Swap before waking: a woken observer polled synchronously may re-register.
    this.watchers = [];
    for (const w of watchers) {
      this.wakes++;
      w.wake();
    }
  }
}

class Changed extends BaseFuture<number> {
  constructor(
    private readonly cell: WatchedCell,
    private readonly snapshot: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<number> {
    const now = this.cell.load();
    if (now !== this.snapshot) return now;
    this.cell.watch(cx.waker);
    return PENDING;
  }
}
