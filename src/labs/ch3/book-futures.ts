/**
 * The book's chapter-3 futures, hand-written with `poll`: each declares the time it
 * blocks its loop with `block(ms)` (the book's `thread::sleep`), which the sim driver
 * turns into virtual time and the live driver really spends.
 */
import { BaseFuture, PENDING, block, burn, sleep, type Context, type Future, type Poll } from "../../index.js";
import { Printout } from "./harness.js";

// --- the book's futures ---

/** E3.1 `CounterFuture`: each poll prints, blocks 1 s, and wakes itself until the third. */
export class CounterFuture extends BaseFuture<number> {
  private count = 0;
  constructor(private readonly out: Printout) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.count++;
    this.out.print(`polling with result: ${this.count}`);
    block(this.out.second);
    if (this.count < 3) {
      cx.waker.wake();
      return PENDING;
    }
    return this.count;
  }
}

/** E3.1 `async_fn` × 4 in one task: blocking, no await — the whole task is one poll. */
export class FourAsyncFns extends BaseFuture<void> {
  constructor(private readonly out: Printout) {
    super();
  }
  poll(): Poll<void> {
    for (let i = 0; i < 4; i++) {
      block(this.out.second);
      this.out.print("async fn");
    }
    return undefined;
  }
}

/** A task that blocks its loop for `ms` in each of `polls` polls (yielding between). */
export class Blocker extends BaseFuture<string> {
  private done = 0;
  constructor(
    private readonly label: string,
    private readonly ms: number,
    private readonly polls = 1,
    private readonly cpu = false,
  ) {
    super();
  }
  poll(cx: Context): Poll<string> {
    if (this.cpu) burn(this.ms);
    else block(this.ms);
    if (++this.done < this.polls) {
      cx.waker.wake();
      return PENDING;
    }
    return this.label;
  }
}

/** A "network" task: short polls separated by waits for I/O (sleeps). Records its lateness. */
export class NetworkTask extends BaseFuture<void> {
  private waiting: Future<void> | null = null;
  private round = 0;
  private readyAt = 0;
  constructor(
    private readonly rounds: number,
    private readonly gapMs: number,
    private readonly costMs: number,
    private readonly lateness: number[],
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    const timers = cx.timers!;
    if (this.waiting !== null) {
      if (this.waiting.poll(cx) === PENDING) return PENDING;
      this.waiting = null;
      // Timers never fire before their deadline, so this is not negative; the max only
      // guards a clock that reads the same value twice.
      this.lateness.push(Math.max(0, timers.now() - this.readyAt));
    }
    burn(this.costMs); // handle the packet
    if (++this.round >= this.rounds) return undefined;
    this.readyAt = timers.now() + this.gapMs;
    this.waiting = sleep(this.gapMs);
    this.waiting.poll(cx);
    return PENDING;
  }
}

/** E3.9 `BackgroundProcess`: prints, blocks 1 s, wakes itself — forever. */
export class BackgroundProcess extends BaseFuture<never> {
  firings = 0;
  constructor(private readonly out: Printout) {
    super();
  }
  poll(cx: Context): Poll<never> {
    this.firings++;
    this.out.print("background process firing");
    block(this.out.second);
    cx.waker.wake();
    return PENDING;
  }
}
