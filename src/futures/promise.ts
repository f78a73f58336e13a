/**
 * Promise → future. (Future → promise needs an executor to drive it, so it lives in
 * the runtime layer: `blockOn` / `JoinHandle.then`.)
 *
 * The promise's settlement happens in a microtask; we store the outcome and wake the
 * waker of the *latest* poll — a future may be moved between tasks, and the poll
 * contract says only the most recent waker counts.
 */
import { BaseFuture } from "./base-future.js";
import { CancelledError } from "./errors.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll, type Waker } from "./poll.js";

const WAITING = 0;
const FULFILLED = 1;
const REJECTED = 2;
const TAKEN = 3;

class FromPromise<T> extends BaseFuture<T> {
  private state = WAITING;
  private outcome: unknown = undefined;
  private waker: Waker | null = null;
  private attached = false;

  constructor(private readonly promise: PromiseLike<T>) {
    super();
  }

  poll(cx: Context): Poll<T> {
    switch (this.state) {
      case WAITING:
        this.waker = cx.waker;
        if (!this.attached) {
          this.attached = true;
          this.promise.then(
            (value) => this.settle(FULFILLED, value),
            (error) => this.settle(REJECTED, error),
          );
        }
        return PENDING;
      case FULFILLED:
        this.state = TAKEN;
        return this.outcome as T;
      case REJECTED:
        this.state = TAKEN;
        throw this.outcome;
      default:
        throw new PolledAfterCompletion("fromPromise()");
    }
  }

  private settle(state: number, outcome: unknown): void {
    if (this.state !== WAITING) return; // cancelled meanwhile: nobody to tell
    this.state = state;
    this.outcome = outcome;
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }

  override cancel(): void {
    // A promise cannot be cancelled; we only stop caring about it.
    if (this.state === WAITING) this.state = TAKEN;
    this.waker = null;
  }
}

/** A future that settles with the promise (a rejection is thrown from `poll`). */
export function fromPromise<T>(promise: PromiseLike<T>): BaseFuture<T> {
  return new FromPromise(promise);
}

/** A future that throws `CancelledError` once `signal` aborts, and is never ready otherwise. */
export function abortFuture(signal: AbortSignal): BaseFuture<never> {
  return new AbortWait(signal);
}

class AbortWait extends BaseFuture<never> {
  private waker: Waker | null = null;
  private readonly onAbort = (): void => this.waker?.wake();
  private listening = false;
  constructor(private readonly signal: AbortSignal) {
    super();
  }
  poll(cx: Context): Poll<never> {
    if (this.signal.aborted) {
      this.cancel();
      throw new CancelledError("aborted", { cause: this.signal.reason });
    }
    this.waker = cx.waker;
    if (!this.listening) {
      this.listening = true;
      this.signal.addEventListener("abort", this.onAbort, { once: true });
    }
    return PENDING;
  }
  override cancel(): void {
    if (this.listening) this.signal.removeEventListener("abort", this.onAbort);
    this.listening = false;
    this.waker = null;
  }
}
