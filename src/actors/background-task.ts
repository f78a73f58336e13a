/**
 * A `ctx.task` in flight, as the spawned task's future: polls `work` on the actor
 * system's clock (so a fake clock times it too), then delivers the value as a
 * message — waiting for room if the actor's bounded mailbox is full, like `send`
 * (a result is never dropped because the mailbox was busy); if the actor stopped
 * meanwhile the message is a dead letter (`stopped`). An error goes to supervision
 * (phase `run`; `resume` keeps the actor going). Cancelling it cancels the task.
 *
 * Invariant: it leaves its owner's resources exactly once — when the message is
 * delivered (or lost) or `work` throws (`ended`), or when the owner cancels it while
 * releasing them all; and it leaves the mailbox's line for room on both paths.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Future, type Poll, type Timers } from "../futures/poll.js";
import type { Waiter } from "../futures/waiter-list.js";
import type { JoinHandle } from "../runtime/task.js";
import type { Cancellable, Phase } from "./actor.js";
import type { Mailbox } from "./mailbox.js";

/** What a background task needs from the actor that started it. */
export interface BackgroundOwner<M> {
  readonly mailbox: Mailbox<unknown>;
  ended(task: Cancellable): void;
  reportFailure(phase: Phase, error: unknown): void;
  undelivered(message: M, why: "mailbox-full" | "stopped"): void;
}

const NO_MESSAGE: unique symbol = Symbol("NO_MESSAGE");

export class BackgroundTask<M, T> extends BaseFuture<void> implements Cancellable {
  handle: JoinHandle<void> | null = null;
  private cx: Context | null = null;
  /** The message, once `work` produced it, until the mailbox took it. */
  private message: M | typeof NO_MESSAGE = NO_MESSAGE;
  private roomKey: Waiter | null = null;

  constructor(
    private readonly owner: BackgroundOwner<M>,
    private readonly work: Future<T>,
    private readonly toMessage: (value: T) => M,
    private readonly timers: Timers | undefined,
  ) {
    super();
  }

  poll(taskCx: Context): Poll<void> {
    const cx = (this.cx ??= { waker: taskCx.waker, timers: this.timers ?? taskCx.timers });
    if (this.message === NO_MESSAGE) {
      let value: unknown;
      try {
        value = this.work.poll(cx);
        if (value === PENDING) return PENDING;
        this.message = this.toMessage(value as T);
      } catch (error) {
        this.owner.ended(this);
        this.owner.reportFailure("run", error);
        return undefined;
      }
    }
    return this.deliver(taskCx);
  }

  private deliver(cx: Context): Poll<void> {
    const mailbox = this.owner.mailbox;
    const message = this.message as M;
    if (!mailbox.closed) {
      if (!mailbox.offer(message)) {
        this.roomKey = mailbox.waitForRoom(this.roomKey, cx.waker);
        return PENDING;
      }
    } else {
      this.owner.undelivered(message, "stopped");
    }
    mailbox.doneWithRoom(this.roomKey);
    this.roomKey = null;
    this.owner.ended(this);
    return undefined;
  }

  override cancel(): void {
    this.owner.mailbox.leaveRoom(this.roomKey);
    this.roomKey = null;
    if (this.handle !== null && !this.handle.finished) this.handle.cancel();
    else this.work.cancel?.();
  }
}
