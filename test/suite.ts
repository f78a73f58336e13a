/**
 * Shared fixtures: instrumented futures that count what happened to them, so a
 * test can assert exact numbers after every step (async-task's `future!` macro).
 */
import { BaseFuture, PENDING, type Context, type Poll, type Waker } from "../src/index.js";

/** Counts polls and cancels; ready with `value` on poll number `readyAt` (never if Infinity). Wakes itself if
 * `selfWake`. */
export class CountingFuture<T> extends BaseFuture<T> {
  polls = 0;
  cancels = 0;
  lastWaker: Waker | null = null;
  constructor(
    private readonly value: T,
    private readonly readyAt = 1,
    private readonly selfWake = false,
  ) {
    super();
  }
  poll(cx: Context): Poll<T> {
    this.polls++;
    this.lastWaker = cx.waker;
    if (this.polls >= this.readyAt) return this.value;
    if (this.selfWake) cx.waker.wake();
    return PENDING;
  }
  override cancel(): void {
    this.cancels++;
  }
}

/** A waker that counts its wakes. */
export class CountingWaker implements Waker {
  wakes = 0;
  wake(): void {
    this.wakes++;
  }
}

/** A future that throws on its first poll. */
export class ThrowingFuture extends BaseFuture<never> {
  polls = 0;
  constructor(private readonly error: Error) {
    super();
  }
  poll(): Poll<never> {
    this.polls++;
    throw this.error;
  }
}

/** Let the live runtime drain (it runs in microtasks and setImmediate turns). */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}
