/**
 * An `ask` in flight: the message, the reply slot and the timeout, in one object —
 * it sits in the mailbox as the envelope, and it is the future the asker awaits.
 *
 * Invariants: it settles once (value, handler error, `ActorStopped`, or
 * `RequestTimeout`). The timeout starts at the first poll, on the actor system's clock if it
 * has one, else the asker's (`cx.timers`) — so a fake clock or the sim driver times it. An ask that timed out
 * is `abandoned`: if it is still queued the actor skips it — nobody reads the reply.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Poll, type TimerEntry, type Timers, type Waker } from "../futures/poll.js";
import { spawn } from "../runtime/spawn.js";
import { RequestTimeout } from "./errors.js";

const WAITING = 0;
const REPLIED = 1;
const FAILED = 2;
const TAKEN = 3;

export class AskEnvelope<M, R> extends BaseFuture<R> implements TimerEntry {
  deadline = 0;
  waker: Waker | null = null;
  slot = -1;
  abandoned = false;
  private state = WAITING;
  private outcome: unknown = undefined;
  private timers: Timers | null = null;

  constructor(
    readonly message: M,
    private readonly timeoutMs: number,
    private readonly actorName: string,
    /** The actor system's clock when it has its own (a fake clock in tests); else the asker's. */
    private readonly clock: Timers | undefined,
  ) {
    super();
  }

  /** The actor's side: the handler's value. */
  reply(value: R): void {
    this.settle(REPLIED, value);
  }

  /** The actor's side: the handler threw, or the actor stopped before replying. */
  fail(error: unknown): void {
    this.settle(FAILED, error);
  }

  poll(cx: Context): Poll<R> {
    const state = this.state;
    if (state === REPLIED || state === FAILED) {
      this.state = TAKEN;
      const outcome = this.outcome;
      this.outcome = undefined;
      if (state === FAILED) throw outcome;
      return outcome as R;
    }
    if (state === TAKEN) throw new Error("ask future polled after it settled");
    if (this.timers === null && this.timeoutMs !== Infinity) {
      const timers = this.clock ?? cx.timers;
      if (timers === undefined) throw new Error("ask() needs a runtime: await it in a task, or with `await` (it is PromiseLike)");
      this.timers = timers;
      this.deadline = timers.now() + this.timeoutMs;
      timers.register(this);
    } else if (this.timers !== null && (this.slot === -1 || this.timers.now() >= this.deadline)) {
      if (this.slot !== -1) this.timers.cancel(this);
      this.abandoned = true;
      this.state = TAKEN;
      this.waker = null;
      throw new RequestTimeout(this.actorName, this.timeoutMs);
    }
    this.waker = cx.waker;
    return PENDING;
  }

  override cancel(): void {
    this.abandoned = true;
    if (this.timers !== null && this.slot !== -1) this.timers.cancel(this);
    this.waker = null;
  }

  /** `await ref.ask(m)` from plain async code: drive it as a task on the current runtime. */
  then<T1 = R, T2 = never>(onFulfilled?: ((v: R) => T1 | PromiseLike<T1>) | null, onRejected?: ((e: unknown) => T2 | PromiseLike<T2>) | null): Promise<T1 | T2> {
    return spawn(this)
      .toPromise()
      .catch((error: unknown) => {
        throw error instanceof Error && error.name === "JoinError" && error.cause !== undefined ? error.cause : error;
      })
      .then(onFulfilled, onRejected);
  }

  private settle(state: number, outcome: unknown): void {
    if (this.state !== WAITING) return;
    this.state = state;
    this.outcome = outcome;
    if (this.timers !== null && this.slot !== -1) this.timers.cancel(this);
    const waker = this.waker;
    this.waker = null;
    waker?.wake();
  }
}
