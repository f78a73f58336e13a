/**
 * `select`: the first future to be ready wins; every other one is cancelled.
 * Children are polled in argument order, so when several are ready in the same
 * poll the earliest argument wins — deterministic, which the tests and the sim
 * driver rely on (Tokio's `select!` picks at random unless `biased;`).
 *
 * `timeout(f, ms)` is `select(f, sleep(ms))` with the sleep's win turned into a
 * `TimeoutError`.
 */
import { abandon } from "./abandon.js";
import { BaseFuture } from "./base-future.js";
import { TimeoutError } from "./errors.js";
import { PENDING, PolledAfterCompletion, type Context, type Future, type Poll, type Waker } from "./poll.js";
import { Sleep } from "./sleep.js";

/** Which future won a `select`, and its value. */
export type Selected<Fs extends readonly Future<unknown>[]> = {
  [K in keyof Fs]: { index: K extends `${infer N extends number}` ? N : number; value: Fs[K] extends Future<infer T> ? T : never };
}[number];

class Select<R> extends BaseFuture<R> {
  private finished = false;
  constructor(private readonly futures: readonly Future<unknown>[]) {
    super();
  }

  poll(cx: Context): Poll<R> {
    if (this.finished) throw new PolledAfterCompletion("select()");
    const futures = this.futures;
    for (let i = 0; i < futures.length; i++) {
      let value: unknown;
      try {
        value = futures[i]!.poll(cx);
      } catch (error) {
        this.finish(i, cx.waker);
        throw error;
      }
      if (value !== PENDING) {
        this.finish(i, cx.waker);
        return { index: i, value } as R;
      }
    }
    return PENDING;
  }

  private finish(winner: number, waker: Waker): void {
    this.finished = true;
    for (let i = 0; i < this.futures.length; i++) if (i !== winner) abandon(this.futures[i]!, waker);
  }

  override cancel(): void {
    if (this.finished) return;
    this.finished = true;
    for (const f of this.futures) abandon(f);
  }
}

/** Race the futures: `{ index, value }` of the first ready one; the losers are cancelled. */
export function select<const Fs extends readonly Future<unknown>[]>(...futures: Fs): BaseFuture<Selected<Fs>> {
  return new Select<Selected<Fs>>(futures);
}

class Timeout<T> extends BaseFuture<T> {
  private readonly timer: Sleep;
  private finished = false;
  constructor(private readonly inner: Future<T>, private readonly ms: number) {
    super();
    this.timer = new Sleep(ms);
  }
  poll(cx: Context): Poll<T> {
    if (this.finished) throw new PolledAfterCompletion("timeout()");
    let value: Poll<T>;
    try {
      value = this.inner.poll(cx);
    } catch (error) {
      this.finished = true;
      this.timer.cancel();
      throw error;
    }
    if (value !== PENDING) {
      this.finished = true;
      this.timer.cancel();
      return value;
    }
    if (this.timer.poll(cx) === PENDING) return PENDING;
    this.finished = true;
    abandon(this.inner, cx.waker);
    throw new TimeoutError(this.ms);
  }
  override cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.timer.cancel();
    abandon(this.inner);
  }
}

/** `inner`'s value if it is ready within `ms`; otherwise `inner` is cancelled and a `TimeoutError` thrown. */
export function timeout<T>(inner: Future<T>, ms: number): BaseFuture<T> {
  return new Timeout(inner, ms);
}
