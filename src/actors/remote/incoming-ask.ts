/**
 * An incoming ask being handled: drives the local handler's answer (a local ask, or
 * a remote one when the service is relayed to another peer), then hands the value or
 * the error back to the peer, which replies with the ask's correlation id and frees
 * its in-flight slot.
 *
 * No task in the usual case. `start` polls the answer once with the incoming ask
 * itself as the waker (the local ask is queued in the mailbox); when the actor
 * replies, the ask's settle wakes us, and a settled local ask is read at once in that
 * wake — a poll of a settled `AskEnvelope` only reads its outcome. So the reply is
 * queued in the same poll of the actor that produced it, with no task spawned,
 * scheduled and polled twice per ask. Any other wake (room in a full mailbox, a
 * relayed remote ask) is not read inside the waker: polling there could run into the
 * code that woke us (a mailbox in the middle of a take); it spawns a task, which
 * drives the answer from then on, as every incoming ask did before.
 *
 * Its timeout (the peer's `askTimeoutMs`) is an entry in the peer's deadline queue
 * for incoming asks (ask-deadlines.ts), not a timer of the local ask: one Node timer
 * for all the asks of a peer, where a runtime timer per ask armed and cleared a Node
 * timer per round trip. When it expires the answer is cancelled (a local ask with one
 * awaiter is withdrawn: the actor skips it if still queued) and the caller gets
 * `timeout`.
 *
 * Invariant: `answered` is called exactly once — on the value, on the error, on the
 * timeout, or on cancellation (the runtime shut down) — so the in-flight count cannot
 * leak; a task, if one was spawned, ends at its next poll after that.
 */
import type { Spawner } from "../../runtime/current.js";
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, type Context, type Future, type Poll, type Waker } from "../../futures/poll.js";
import { AskEnvelope } from "../ask.js";
import { RequestTimeout } from "../errors.js";
import type { AskDeadlines, Expiring } from "./ask-deadlines.js";
import { RemoteError } from "./remote-errors.js";
import type { RemoteErrorKind } from "./wire.js";

export interface Answerer {
  answered(correlation: number, outcome: { value: unknown } | { error: unknown }, serviceName: string): void;
  readonly answerDeadlines: AskDeadlines;
}

export class IncomingAsk extends BaseFuture<void> implements Expiring, Waker, Context {
  deadline = 0;
  /** Context: the answer's first poll parks the incoming ask itself. */
  readonly waker: Waker = this;
  private done = false;
  /** The task driving the answer once a wake could not be read in place (null: none). */
  private taskWaker: Waker | null = null;
  private spawned = false;

  constructor(
    private readonly peer: Answerer,
    private readonly spawner: Spawner,
    private readonly correlation: number,
    private readonly service: string,
    private readonly answer: Future<unknown>,
    /** Who answers (for the timeout's message), and after how long the caller is told `timeout`. */
    private readonly handler: string,
    private readonly timeoutMs: number,
  ) {
    super();
    peer.answerDeadlines.add(this, timeoutMs);
  }

  /** Poll the answer once, parking this object as its waker. */
  start(): void {
    this.step(this);
  }

  get waiting(): boolean {
    return !this.done;
  }

  /** Waker: the answer moved. A settled local ask is read here; anything else goes to a task (see the header). */
  wake(): void {
    if (this.done) return;
    const answer = this.answer;
    if (answer instanceof AskEnvelope && answer.settled) this.step(this);
    else if (!this.spawned) {
      this.spawned = true;
      this.spawner.spawn(this).detach();
    }
  }

  /** The task's poll (only after a wake that could not be read in place). */
  poll(cx: Context): Poll<void> {
    if (this.done || this.step(cx) !== PENDING) return undefined;
    this.taskWaker = cx.waker;
    return PENDING;
  }

  /** Expiring: the handler did not answer within the timeout. */
  expire(): void {
    if (this.done) return;
    this.answer.cancel?.();
    this.finish({ error: new RequestTimeout(this.handler, this.timeoutMs) });
    this.taskWaker?.wake();
  }

  override cancel(): void {
    this.answer.cancel?.();
    this.finish({ error: new Error("the handler's task was cancelled") });
  }

  private step(cx: Context): typeof PENDING | undefined {
    let value: unknown;
    try {
      value = this.answer.poll(cx);
    } catch (error) {
      this.finish({ error });
      return undefined;
    }
    if (value === PENDING) return PENDING;
    this.finish({ value });
    return undefined;
  }

  private finish(outcome: { value: unknown } | { error: unknown }): void {
    if (this.done) return;
    this.done = true;
    this.taskWaker = null;
    this.peer.answerDeadlines.settled(this);
    this.peer.answered(this.correlation, outcome, this.service);
  }
}

/** The error frame for a handler's failure: a timeout, a stopped actor, or the handler's own error. */
export function answerFailure(error: unknown): { kind: RemoteErrorKind; message: string } {
  const e = error as Error;
  const kind: RemoteErrorKind =
    e?.name === "RequestTimeout" ? "timeout" : e?.name === "ActorStopped" ? "stopped" : "handler";
  return { kind, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

/** The error frame for a reply the writer refused (frame-too-large: a RemoteError) or cborg could not encode. */
export function replyFailure(error: unknown): { kind: RemoteErrorKind; message: string } {
  if (error instanceof RemoteError) return { kind: error.kind, message: error.message };
  return { kind: "handler", message: `the reply could not be encoded: ${(error as Error).message}` };
}
