/**
 * The decorator of E9.3: a future that wraps another and logs every poll, then
 * answers whatever the inner future answers.
 *
 * Invariant: transparent — same value, same error, same wake-ups as the inner future;
 * `cancel` reaches the inner one. The book switches it on with a Cargo feature
 * (`#[cfg(feature = "logging_decorator")]`); JavaScript has no compile-time features,
 * so `withLogging(f, enabled)` decides at run time (the lab's `--feature logging`).
 */
import { abandon } from "../futures/abandon.js";
import { BaseFuture } from "../futures/base-future.js";
import { awaitable } from "../futures/base-future.js";
import type { Context, Future, Poll } from "../futures/poll.js";

export class LoggingFuture<T> extends BaseFuture<T> {
  constructor(
    private readonly inner: Future<T>,
    private readonly log: (line: string) => void,
  ) {
    super();
  }
  poll(cx: Context): Poll<T> {
    this.log("Polling the future!");
    return this.inner.poll(cx);
  }
  override cancel(): void {
    abandon(this.inner);
  }
}

/** `future` wrapped in a {@link LoggingFuture} when `enabled`, else itself. */
export function withLogging<T>(future: Future<T>, enabled: boolean, log: (line: string) => void): BaseFuture<T> {
  return enabled ? new LoggingFuture(future, log) : awaitable(future);
}
