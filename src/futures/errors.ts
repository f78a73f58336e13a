/** Errors the futures layer throws. Each has a stable `name` for `instanceof`-free checks. */

/** `timeout(f, ms)` gave up: `f` was not ready within `ms` and has been cancelled. */
export class TimeoutError extends Error {
  /** `ms`: the duration given to `timeout` (NaN for `timeoutAt`); `deadline`: the clock time given to `timeoutAt`. */
  constructor(
    readonly ms: number,
    readonly deadline?: number,
  ) {
    super(deadline === undefined ? `timed out after ${ms} ms` : `timed out: deadline ${deadline} ms passed`);
    this.name = "TimeoutError";
  }
}

/** A future was abandoned (an `AbortSignal` fired, a task was cancelled). */
export class CancelledError extends Error {
  constructor(message = "cancelled", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CancelledError";
  }
}
