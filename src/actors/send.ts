/**
 * `ref.send(m)`: the backpressure path of a bounded mailbox. A future: nothing is
 * queued until it is driven — `yield* ref.send(m)` in a task, or `await ref.send(m)`
 * (it is PromiseLike: `then` drives it as a task on the current runtime).
 *
 * Ready once the message is queued; pending while the mailbox is full, in line in
 * the mailbox's waiter list (woken oldest first as the actor takes messages out);
 * fails with `ActorStopped` if the actor stops meanwhile.
 *
 * Invariants: it leaves the line when it completes (`done`) and when it is
 * cancelled (`leave`, which hands an unused wake-up to the next sender). Polled
 * again after it settled, it gives the same outcome.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Poll } from "../futures/poll.js";
import type { Waiter } from "../futures/waiter-list.js";
import { spawn } from "../runtime/spawn.js";
import { unwrapJoinError } from "./ask.js";
import { ActorStopped } from "./errors.js";
import type { Mailbox } from "./mailbox.js";

const WAITING = 0;
const SENT = 1;
const FAILED = 2;

export class SendFuture<M> extends BaseFuture<void> implements PromiseLike<void> {
  private state = WAITING;
  private key: Waiter | null = null;
  private error: unknown = undefined;
  private promise: Promise<void> | null = null;

  constructor(
    private readonly mailbox: Mailbox<unknown>,
    private readonly message: M,
    private readonly actorName: string,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    const state = this.state;
    if (state === SENT) return undefined;
    if (state === FAILED) throw this.error;
    const mailbox = this.mailbox;
    if (mailbox.closed) {
      mailbox.doneWithRoom(this.key);
      this.key = null;
      this.state = FAILED;
      throw (this.error = new ActorStopped(this.actorName));
    }
    if (mailbox.offer(this.message)) {
      mailbox.doneWithRoom(this.key);
      this.key = null;
      this.state = SENT;
      return undefined;
    }
    this.key = mailbox.waitForRoom(this.key, cx.waker);
    return PENDING;
  }

  override cancel(): void {
    this.mailbox.leaveRoom(this.key);
    this.key = null;
  }

  /** `await ref.send(m)`: drive it as a task on the current runtime (one task, however many `then`s). */
  then<T1 = void, T2 = never>(
    onFulfilled?: ((v: void) => T1 | PromiseLike<T1>) | null,
    onRejected?: ((e: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return (this.promise ??= spawn(this).toPromise().catch(unwrapJoinError)).then(onFulfilled, onRejected);
  }
}
