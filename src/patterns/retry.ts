/**
 * Retry with exponential backoff (E9.5): try, and on failure wait `baseDelayMs`,
 * then twice that, … up to `attempts` tries; the last error is the outcome.
 *
 * Invariants: there are exactly `attempts - 1` waits, the i-th (from 0) lasting
 * `baseDelayMs * factor^i` scaled by a jitter factor in [1 - jitter, 1 + jitter] drawn
 * from the caller's seeded RNG; waits use `sleep`, so they run on the driver's clock
 * (a virtual clock in tests — no real 15 s). The future made for each attempt is new:
 * a future cannot be polled again after it failed.
 * Why jitter is an option: many clients retrying on the same schedule hit a
 * recovering service together; spreading the waits avoids that herd.
 */
import type { Future } from "../futures/poll.js";
import type { BaseFuture } from "../futures/base-future.js";
import { awaitable } from "../futures/base-future.js";
import { co, type Co } from "../futures/generator-future.js";
import { sleep } from "../futures/sleep.js";
import type { Rng } from "../runtime/rng.js";

export interface RetryOptions {
  /** Total tries (book: 5). */
  attempts?: number;
  /** First wait in ms (book: 1000). */
  baseDelayMs?: number;
  /** Growth per wait (book: 2). */
  factor?: number;
  /** ± fraction of each wait drawn at random (0 = the book's fixed schedule). */
  jitter?: number;
  /** Needed when `jitter > 0`. */
  rng?: Rng;
  /** Told about each failure and the wait that follows (null after the last try). */
  onError?: (error: unknown, attempt: number, nextDelayMs: number | null) => void;
}

export function retry<T>(attempt: () => Future<T>, options: RetryOptions = {}): BaseFuture<T> {
  const attempts = options.attempts ?? 5;
  if (!(Number.isInteger(attempts) && attempts >= 1))
    throw new RangeError(`attempts must be an integer >= 1, got ${attempts}`);
  const jitter = options.jitter ?? 0;
  if (jitter < 0 || jitter >= 1) throw new RangeError(`jitter must be in [0, 1), got ${jitter}`);
  if (jitter > 0 && options.rng === undefined) throw new Error("retry: jitter needs a seeded rng");
  return co(retryLoop<T>, attempt, attempts, options.baseDelayMs ?? 1000, options.factor ?? 2, jitter, options);
}

function* retryLoop<T>(
  attempt: () => Future<T>,
  attempts: number,
  base: number,
  factor: number,
  jitter: number,
  options: RetryOptions,
): Co<T> {
  let delay = base;
  for (let i = 1; ; i++) {
    try {
      return yield* awaitable(attempt());
    } catch (error) {
      const last = i >= attempts;
      const wait = last ? null : jitter > 0 ? delay * (1 + jitter * (2 * options.rng!() - 1)) : delay;
      options.onError?.(error, i, wait);
      if (wait === null) throw error;
      yield* sleep(wait);
      delay *= factor;
    }
  }
}
