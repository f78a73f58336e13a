/**
 * `select`: the first future to be ready wins; every other one is cancelled.
 *
 * Which one wins when several are ready in the same poll:
 * - default (fair, as tokio's `select!`): each poll starts at a random child and
 *   goes round, so no branch can starve the others by always being ready. The
 *   random number comes from `cx.timers.random()` when the driver offers one — the
 *   sim driver does, from its seed, so a run replays exactly — else `Math.random`.
 * - `{ biased: true }` (tokio's `biased;`): children are polled in argument order
 *   and the earliest ready argument wins, every time.
 * Either way a child is polled at most once per poll of the select, and the losers
 * are cancelled exactly once.
 *
 * `timeout(f, ms)` is `select(f, sleep(ms))` with the sleep's win turned into a
 * `TimeoutError`; `timeoutAt(f, deadline)` is the same with `sleepUntil(deadline)`.
 */
import { abandon } from "./abandon.js";
import { BaseFuture } from "./base-future.js";
import { TimeoutError } from "./errors.js";
import { PENDING, PolledAfterCompletion, isFuture, type Context, type Future, type Poll, type Waker } from "./poll.js";
import { Sleep } from "./sleep.js";

/** How a `select` picks among children that are ready in the same poll. */
export interface SelectOptions {
  /** Poll in argument order: the earliest ready argument wins. Default false (random start, fair). */
  biased?: boolean;
}

/** Which future won a `select`, and its value. */
export type Selected<Fs extends readonly Future<unknown>[]> = {
  [K in keyof Fs]: {
    index: K extends `${infer N extends number}` ? N : number;
    value: Fs[K] extends Future<infer T> ? T : never;
  };
}[number];

class Select<R> extends BaseFuture<R> {
  private finished = false;
  constructor(
    private readonly futures: readonly Future<unknown>[],
    private readonly biased: boolean,
  ) {
    super();
  }

  poll(cx: Context): Poll<R> {
    if (this.finished) throw new PolledAfterCompletion("select()");
    const futures = this.futures;
    const n = futures.length;
    let start = 0;
    if (!this.biased && n > 1) {
      const timers = cx.timers;
      start =
        timers?.choose !== undefined ? timers.choose(n) : Math.floor((timers?.random?.() ?? Math.random()) * n) % n;
    }
    for (let k = 0; k < n; k++) {
      const i = start + k < n ? start + k : start + k - n;
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

/**
 * Race the futures: `{ index, value }` of the first ready one; the losers are
 * cancelled. Pass `{ biased: true }` first to let the earliest ready argument win.
 */
export function select<const Fs extends readonly Future<unknown>[]>(...futures: Fs): BaseFuture<Selected<Fs>>;
export function select<const Fs extends readonly Future<unknown>[]>(
  options: SelectOptions,
  ...futures: Fs
): BaseFuture<Selected<Fs>>;
export function select(...args: unknown[]): BaseFuture<unknown> {
  const first = args[0];
  if (first !== undefined && !isFuture(first))
    return new Select(args.slice(1) as Future<unknown>[], (first as SelectOptions).biased === true);
  return new Select(args as Future<unknown>[], false);
}

class Timeout<T> extends BaseFuture<T> {
  private readonly timer: Sleep;
  private finished = false;
  /** `ms` is the duration for `timeout`, the absolute deadline for `timeoutAt` (`absolute`). */
  constructor(
    private readonly inner: Future<T>,
    private readonly ms: number,
    private readonly absolute = false,
  ) {
    super();
    this.timer = new Sleep(ms, absolute);
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
    throw this.absolute ? new TimeoutError(NaN, this.ms) : new TimeoutError(this.ms);
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

/** `inner`'s value if it is ready before the driver's clock reaches `deadline` (ms); otherwise `inner` is cancelled and
 * a `TimeoutError` thrown. */
export function timeoutAt<T>(inner: Future<T>, deadline: number): BaseFuture<T> {
  return new Timeout(inner, deadline, true);
}
