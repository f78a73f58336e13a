/**
 * "When does this actor end?" as a future with any number of awaiters: what
 * `ctx.stopChildren()`, `ctx.watch` and `system.shutdown()` wait on.
 *
 * Invariant: the waiters live in a waiter list on the actor (built on first use);
 * the actor wakes them all when it reaches DONE — not at a restart, which keeps the
 * actor (and its address) alive. A future polled after the end returns the exit
 * again; a cancelled one leaves the list.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Poll } from "../futures/poll.js";
import { WaiterList, type Waiter } from "../futures/waiter-list.js";
import type { ActorExit } from "./actor.js";

/** The actor side: its exit once ended, and the line of those waiting for it. */
export interface Ending {
  readonly exitValue: ActorExit | null;
  endWaiters: WaiterList | null;
}

export class EndFuture extends BaseFuture<ActorExit> {
  private key: Waiter | null = null;
  constructor(private readonly actor: Ending) {
    super();
  }

  poll(cx: Context): Poll<ActorExit> {
    const exit = this.actor.exitValue;
    if (exit !== null) {
      this.key = null;
      return exit;
    }
    this.key = (this.actor.endWaiters ??= new WaiterList()).register(this.key, cx.waker);
    return PENDING;
  }

  override cancel(): void {
    this.actor.endWaiters?.leave(this.key);
    this.key = null;
  }
}

/** Every one of `actors` ended (`ctx.stopChildren()`): waits for each in turn. */
export class AllEnded extends BaseFuture<void> {
  private index = 0;
  private current: EndFuture | null = null;
  constructor(private readonly actors: readonly Ending[]) {
    super();
  }

  poll(cx: Context): Poll<void> {
    const actors = this.actors;
    while (this.index < actors.length) {
      const end = (this.current ??= new EndFuture(actors[this.index]!));
      if (end.poll(cx) === PENDING) return PENDING;
      this.current = null;
      this.index++;
    }
    return undefined;
  }

  override cancel(): void {
    this.current?.cancel();
    this.current = null;
  }
}
