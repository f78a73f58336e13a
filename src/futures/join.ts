/**
 * `join` and `tryJoin`: wait for several futures, results in *argument order*
 * (not completion order) — the book's `join!` and `try_join!`.
 *
 * Every poll re-polls the children that are not done yet, with the caller's
 * context. That is O(children) per wake; for the handful of futures a `join!` takes
 * that is cheaper than giving each child a waker of its own. (For thousands of
 * children, spawn them as tasks and await the handles instead.)
 *
 * The two differ only when a child throws:
 * - `join` means *all*: the other children still run to completion, then the first
 *   error is rethrown (nothing is abandoned half-way);
 * - `tryJoin` stops at the first error: every other child still running is abandoned
 *   (futures/abandon.ts: timers released, `finally` blocks run; a child that is a
 *   task's join handle only stops being awaited — the task runs on, as tokio's
 *   `try_join!` drops the other handles) and the error is rethrown at once.
 */
import { abandon } from "./abandon.js";
import { BaseFuture } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Future, type Poll, type Waker } from "./poll.js";

/** Maps a tuple of futures to the tuple of their outputs. */
export type Outputs<Fs extends readonly Future<unknown>[]> = {
  -readonly [K in keyof Fs]: Fs[K] extends Future<infer T> ? T : never;
};

const NOT_DONE: unique symbol = Symbol("not done");

class Join<T extends unknown[]> extends BaseFuture<T> {
  private readonly results: unknown[];
  private remaining: number;
  private finished = false;
  private failed = false;
  private firstError: unknown = undefined;

  constructor(
    private readonly futures: readonly Future<unknown>[],
    private readonly failFast: boolean,
  ) {
    super();
    this.results = new Array(futures.length).fill(NOT_DONE);
    this.remaining = futures.length;
  }

  poll(cx: Context): Poll<T> {
    if (this.finished) throw new PolledAfterCompletion(this.failFast ? "tryJoin()" : "join()");
    const { futures, results } = this;
    for (let i = 0; i < futures.length && this.remaining > 0; i++) {
      if (results[i] !== NOT_DONE) continue;
      let value: unknown;
      try {
        value = futures[i]!.poll(cx);
      } catch (error) {
        results[i] = undefined;
        this.remaining--;
        if (this.failFast) {
          this.finished = true;
          const cleanup = this.cancelRunning(cx.waker);
          throw cleanup.length === 0
            ? error
            : new AggregateError([error, ...cleanup], "tryJoin: a child failed, and abandoning the others threw too");
        }
        if (!this.failed) {
          this.failed = true;
          this.firstError = error;
        }
        continue;
      }
      if (value === PENDING) continue;
      results[i] = value;
      this.remaining--;
    }
    if (this.remaining > 0) return PENDING;
    this.finished = true;
    if (this.failed) throw this.firstError;
    return results as T;
  }

  /**
   * Abandon every child still running. Each one is abandoned even if an earlier one's
   * cleanup threw (else its timers would stay registered); the throws are returned.
   */
  private cancelRunning(waker?: Waker): unknown[] {
    const thrown: unknown[] = [];
    for (let i = 0; i < this.futures.length; i++) {
      if (this.results[i] !== NOT_DONE) continue;
      try {
        abandon(this.futures[i]!, waker);
      } catch (error) {
        thrown.push(error);
      }
    }
    return thrown;
  }

  override cancel(): void {
    if (this.finished) return;
    this.finished = true;
    const thrown = this.cancelRunning();
    if (thrown.length === 1) throw thrown[0];
    if (thrown.length > 1) throw new AggregateError(thrown, "join: abandoning the children threw");
  }
}

/** Wait for all futures; the outputs come back in argument order. If any threw, all finish first, then the first error
 * is rethrown. */
export function join<const Fs extends readonly Future<unknown>[]>(...futures: Fs): BaseFuture<Outputs<Fs>> {
  return new Join<Outputs<Fs>>(futures, false);
}

/** `join` over an array of futures of one type. */
export function joinAll<T>(futures: readonly Future<T>[]): BaseFuture<T[]> {
  return new Join<T[]>(futures, false);
}

/**
 * Wait for all futures, or fail with the first error: the others are cancelled
 * before the error is rethrown.
 */
export function tryJoin<const Fs extends readonly Future<unknown>[]>(...futures: Fs): BaseFuture<Outputs<Fs>> {
  return new Join<Outputs<Fs>>(futures, true);
}

/** `tryJoin` over an array of futures of one type. */
export function tryJoinAll<T>(futures: readonly Future<T>[]): BaseFuture<T[]> {
  return new Join<T[]>(futures, true);
}
