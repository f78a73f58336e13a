/**
 * `ref.send(m)`: the backpressure path of a bounded mailbox. Ready once the message
 * is queued; pending while the mailbox is full (woken, oldest first, as the actor
 * takes messages out); fails with `ActorStopped` if the actor stops meanwhile.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Poll } from "../futures/poll.js";
import { ActorStopped } from "./errors.js";
import type { Mailbox } from "./mailbox.js";

export class SendFuture<M> extends BaseFuture<void> {
  private done = false;
  constructor(
    private readonly mailbox: Mailbox<unknown>,
    private readonly message: M,
    private readonly actorName: string,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    if (this.done) throw new Error("send future polled after it completed");
    const mailbox = this.mailbox;
    if (mailbox.closed) throw new ActorStopped(this.actorName);
    if (mailbox.offer(this.message)) {
      this.done = true;
      return undefined;
    }
    mailbox.waitForRoom(cx.waker);
    return PENDING;
  }
}
