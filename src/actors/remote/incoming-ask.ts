/**
 * An incoming ask being handled: drives the local handler's answer (a local ask, or
 * a remote one when the service is relayed to another peer) as its own task, then
 * hands the value or the error back to the peer, which replies with the ask's
 * correlation id and frees its in-flight slot.
 *
 * Invariant: `answered` is called exactly once — on the value, on the error, or on
 * cancellation (the runtime shut down) — so the in-flight count cannot leak.
 */
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, type Context, type Future, type Poll } from "../../futures/poll.js";

export interface Answerer {
  answered(correlation: number, outcome: { value: unknown } | { error: unknown }, serviceName: string): void;
}

export class IncomingAsk extends BaseFuture<void> {
  private done = false;
  constructor(
    private readonly peer: Answerer,
    private readonly correlation: number,
    private readonly service: string,
    private readonly answer: Future<unknown>,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    if (this.done) return undefined;
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

  override cancel(): void {
    this.answer.cancel?.();
    this.finish({ error: new Error("the handler's task was cancelled") });
  }

  private finish(outcome: { value: unknown } | { error: unknown }): void {
    if (this.done) return;
    this.done = true;
    this.peer.answered(this.correlation, outcome, this.service);
  }
}
