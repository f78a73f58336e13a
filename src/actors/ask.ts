/**
 * An `ask` in flight: the message, the reply slot and the timeout, in one object —
 * it sits in the mailbox as the envelope, and it is the future the asker awaits.
 *
 * States: QUEUING (the bounded mailbox was full: the envelope waits for room in the
 * mailbox's waiter list, like `send`) → WAITING (queued; the actor has it) →
 * REPLIED | FAILED. It settles once: the handler's value, the handler's error,
 * `ActorStopped`, or `RequestTimeout`.
 *
 * Invariants:
 * 1. Any number of awaiters: every poll that finds it unsettled parks its waker in
 *    the envelope's waiter list (one entry per awaiter: a task's waker is stable, so
 *    polling again replaces nothing and grows nothing); settling wakes them all; a
 *    poll or `then` after it settled gives the same outcome again. `then` drives it
 *    through one task, shared by every `then` / `await`.
 * 2. The timeout starts at the first poll (or `then`), on the actor system's clock if
 *    it has one, else the asker's (`cx.timers`) — so a fake clock or the sim driver
 *    times it. It covers the wait for room too. The envelope is its own timer entry:
 *    when it fires, the ask fails for every awaiter.
 * 3. An ask nobody waits for any more (timed out, or its only awaiter cancelled it)
 *    is `abandoned`: if it is still queued the actor skips it (a dead letter,
 *    `ask-timed-out`), and a reply that comes too late is a dead letter too.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Poll, type TimerEntry, type Timers, type Waker } from "../futures/poll.js";
import { WaiterList, type Waiter } from "../futures/waiter-list.js";
import { spawn } from "../runtime/spawn.js";
import { ActorStopped, RequestTimeout } from "./errors.js";
import type { Mailbox } from "./mailbox.js";

const QUEUING = 0;
const WAITING = 1;
const REPLIED = 2;
const FAILED = 3;

/** A JoinError from driving a future as a task, unwrapped to its cause (what `await` should see). */
export function unwrapJoinError(error: unknown): never {
  throw error instanceof Error && error.name === "JoinError" && error.cause !== undefined ? error.cause : error;
}

/** Told when a reply or a queued ask is lost (dead letters). */
export interface AskLoss {
  lost(message: unknown, reason: "reply-dropped" | "ask-timed-out"): void;
}

export class AskEnvelope<M, R> extends BaseFuture<R> implements TimerEntry, Waker, PromiseLike<R> {
  deadline = 0;
  /** TimerEntry: the timer wakes the envelope itself (its timeout). */
  readonly waker: Waker = this;
  slot = -1;
  abandoned = false;
  private state = WAITING;
  private outcome: unknown = undefined;
  private timers: Timers | null = null;
  private waiters: WaiterList | null = null;
  /** The first awaiter's key; later awaiters are found by their waker. */
  private key: Waiter | null = null;
  private others: Waiter[] | null = null;
  /** While QUEUING: the mailbox and our place in its line for room. */
  private mailbox: Mailbox<unknown> | null = null;
  private roomKey: Waiter | null = null;
  private promise: Promise<R> | null = null;
  /** @internal where lost replies are reported. */
  loss: AskLoss | null = null;
  /** @internal called once when the ask settles or is withdrawn (the wait-for graph's edge). */
  release: (() => void) | null = null;

  constructor(
    readonly message: M,
    private readonly timeoutMs: number,
    private readonly actorName: string,
    /** The actor system's clock when it has its own (a fake clock in tests); else the asker's. */
    private readonly clock: Timers | undefined,
  ) {
    super();
  }

  /** @internal the mailbox was full: wait for room at each poll, like `send`. */
  queueLater(mailbox: Mailbox<unknown>): void {
    this.state = QUEUING;
    this.mailbox = mailbox;
  }

  /** The actor's side: the handler's value. */
  reply(value: R): void {
    if (this.state === WAITING) this.settle(REPLIED, value);
    else if (this.abandoned) this.loss?.lost(this.message, "reply-dropped");
  }

  /** The actor's side: the handler threw, or the actor stopped before replying. */
  fail(error: unknown): void {
    this.settle(FAILED, error);
  }

  get settled(): boolean {
    return this.state >= REPLIED;
  }

  poll(cx: Context): Poll<R> {
    const state = this.state;
    if (state >= REPLIED) {
      if (state === FAILED) throw this.outcome;
      return this.outcome as R;
    }
    if (this.timers === null && this.timeoutMs !== Infinity) this.startTimer(cx.timers);
    if (state === QUEUING) {
      const mailbox = this.mailbox!;
      if (mailbox.closed) {
        this.settle(FAILED, new ActorStopped(this.actorName));
        throw this.outcome;
      }
      if (mailbox.offer(this)) {
        mailbox.doneWithRoom(this.roomKey);
        this.roomKey = null;
        this.mailbox = null;
        this.state = WAITING;
      } else {
        this.roomKey = mailbox.waitForRoom(this.roomKey, cx.waker);
      }
    }
    this.park(cx.waker);
    return PENDING;
  }

  /** The timer fired: the ask times out for every awaiter. */
  wake(): void {
    this.slot = -1;
    this.abandoned = true;
    this.settle(FAILED, new RequestTimeout(this.actorName, this.timeoutMs));
  }

  /**
   * An awaiter gave up. With one awaiter the request is withdrawn (abandoned: the
   * actor skips it, the timer is cancelled). With several, a cancel cannot say
   * which of them left, so the ask stays: the others still wait for it, and the
   * timeout bounds how long the leaver's waker stays parked.
   */
  override cancel(): void {
    if (this.state >= REPLIED) return;
    if (this.others !== null && this.others.length > 0) return;
    this.abandoned = true;
    if (this.timers !== null && this.slot !== -1) this.timers.cancel(this);
    this.released();
    this.waiters?.leave(this.key);
    this.key = null;
    if (this.mailbox !== null) {
      this.mailbox.leaveRoom(this.roomKey);
      this.roomKey = null;
    }
  }

  /** `await ref.ask(m)` from plain async code: drive it as one task on the current runtime. */
  then<T1 = R, T2 = never>(
    onFulfilled?: ((v: R) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((e: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return (this.promise ??= spawn(this).toPromise().catch(unwrapJoinError)).then(onFulfilled, onRejected);
  }

  private startTimer(asker: Timers | undefined): void {
    const timers = this.clock ?? asker;
    if (timers === undefined)
      throw new Error("ask() needs a runtime: await it in a task, or with `await` (it is PromiseLike)");
    this.timers = timers;
    this.deadline = timers.now() + this.timeoutMs;
    timers.register(this);
  }

  /** Park `waker` once per awaiter (invariant 1). */
  private park(waker: Waker): void {
    const waiters = (this.waiters ??= new WaiterList());
    const key = this.key;
    if (key === null || (key.waiting && key.waker === waker)) {
      this.key = waiters.register(key, waker);
      return;
    }
    const others = (this.others ??= []);
    for (const k of others) if (k.waker === waker) return;
    others.push(waiters.register(null, waker));
  }

  private settle(state: number, outcome: unknown): void {
    if (this.state >= REPLIED) return;
    this.state = state;
    this.outcome = outcome;
    if (this.timers !== null && this.slot !== -1) this.timers.cancel(this);
    if (this.mailbox !== null) {
      this.mailbox.leaveRoom(this.roomKey);
      this.roomKey = null;
      this.mailbox = null;
    }
    this.key = null;
    this.others = null;
    this.released();
    this.waiters?.wakeAll();
  }

  private released(): void {
    const release = this.release;
    if (release !== null) {
      this.release = null;
      release();
    }
  }
}
