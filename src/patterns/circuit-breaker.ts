/**
 * A circuit breaker (E9.6), with the book's extensions: a half-open state and a
 * time-based close.
 *
 *   CLOSED ──`threshold`-th consecutive failure──▶ OPEN ──`openMs` elapsed──▶ HALF_OPEN
 *   HALF_OPEN ──probe succeeds──▶ CLOSED        HALF_OPEN ──probe fails──▶ OPEN
 *
 * Invariants:
 * 1. While OPEN, `call` fails fast with {@link CircuitOpenError} without creating the
 *    work's future (that is the point: no load on the failing service).
 * 2. In HALF_OPEN at most one probe is in flight; other calls fail fast.
 * 3. Time is the driver's clock (`cx.timers`), so transitions are testable on a virtual clock.
 * The book counts all errors forever and never closes (`openMs` = Infinity reproduces it);
 * we count *consecutive* failures — a success resets the count — so a rare error cannot
 * open the circuit after a long healthy run. With the book's run (pass, err ×3) both agree.
 */
import { abandon } from "../futures/abandon.js";
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Future, type Poll } from "../futures/poll.js";

export type BreakerState = "closed" | "open" | "half-open";

export class CircuitOpenError extends Error {
  constructor() {
    super("Circuit Open");
    this.name = "CircuitOpenError";
  }
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (book: 3). */
  threshold?: number;
  /** How long the circuit stays open before a probe is allowed (book: never — Infinity). */
  openMs?: number;
  /** Told about each state change: (from, to, time ms). */
  onTransition?: (from: BreakerState, to: BreakerState, at: number) => void;
}

export class CircuitBreaker {
  state: BreakerState = "closed";
  failures = 0;
  private openedAt = 0;
  private probing = false;
  readonly threshold: number;
  readonly openMs: number;
  /** Counters for the lab's sweep. */
  readonly stats = { attempted: 0, rejected: 0, succeeded: 0, failed: 0, transitions: 0 };
  private readonly onTransition: CircuitBreakerOptions["onTransition"];

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.threshold ?? 3;
    this.openMs = options.openMs ?? Infinity;
    if (!(Number.isInteger(this.threshold) && this.threshold >= 1))
      throw new RangeError(`threshold must be an integer >= 1, got ${this.threshold}`);
    this.onTransition = options.onTransition;
  }

  /** Run `work()` through the breaker: its value, its error, or `CircuitOpenError`. */
  call<T>(work: () => Future<T>): BaseFuture<T> {
    return new BreakerCall(this, work);
  }

  /** @internal admission at first poll: true = run the work, false = fail fast. */
  admit(now: number): boolean {
    if (this.state === "open" && now - this.openedAt >= this.openMs) this.move("half-open", now);
    if (this.state === "closed" || (this.state === "half-open" && !this.probing)) {
      if (this.state === "half-open") this.probing = true;
      this.stats.attempted++;
      return true;
    }
    this.stats.rejected++;
    return false;
  }

  /** @internal */
  settle(ok: boolean, now: number): void {
    const probe = this.state === "half-open" && this.probing;
    this.probing = false;
    if (ok) {
      this.stats.succeeded++;
      this.failures = 0;
      if (probe) this.move("closed", now);
      return;
    }
    this.stats.failed++;
    this.failures++;
    if (probe || (this.state === "closed" && this.failures >= this.threshold)) {
      this.openedAt = now;
      this.move("open", now);
    }
  }

  private move(to: BreakerState, at: number): void {
    const from = this.state;
    this.state = to;
    this.stats.transitions++;
    this.onTransition?.(from, to, at);
  }
}

class BreakerCall<T> extends BaseFuture<T> {
  private inner: Future<T> | null = null;
  private done = false;
  constructor(
    private readonly breaker: CircuitBreaker,
    private readonly work: () => Future<T>,
  ) {
    super();
  }
  poll(cx: Context): Poll<T> {
    if (this.done) throw new PolledAfterCompletion("CircuitBreaker.call()");
    const now = cx.timers?.now() ?? 0;
    if (this.inner === null) {
      if (!this.breaker.admit(now)) {
        this.done = true;
        throw new CircuitOpenError();
      }
      this.inner = this.work();
    }
    let out: Poll<T>;
    try {
      out = this.inner.poll(cx);
    } catch (error) {
      this.done = true;
      this.breaker.settle(false, cx.timers?.now() ?? now);
      throw error;
    }
    if (out === PENDING) return PENDING;
    this.done = true;
    this.breaker.settle(true, cx.timers?.now() ?? now);
    return out;
  }
  override cancel(): void {
    // An abandoned probe must not keep the breaker half-open forever.
    if (!this.done && this.inner !== null) {
      abandon(this.inner);
      this.breaker.settle(false, Number.NaN);
    }
    this.done = true;
  }
}
