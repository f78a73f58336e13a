/**
 * A `ctx.task` in flight, as the spawned task's future: polls `work` on the actor
 * system's clock (so a fake clock times it too), then tells the value or reports the
 * error. Cancelling it cancels the spawned task.
 *
 * Invariant: it leaves its owner's resources exactly once — when `work` completes or
 * throws (`ended`), or when the owner cancels it while releasing them all.
 */
import { BaseFuture } from "../futures/base-future.js";
import { PENDING, type Context, type Future, type Poll, type Timers } from "../futures/poll.js";
import type { JoinHandle } from "../runtime/task.js";
import type { Cancellable, Phase } from "./actor.js";
import type { Mailbox } from "./mailbox.js";

/** What a background task needs from the actor that started it. */
export interface BackgroundOwner<M> {
  readonly name: string;
  readonly mailbox: Mailbox<unknown>;
  ended(task: Cancellable): void;
  reportFailure(phase: Phase, error: unknown): void;
  undelivered(message: M, why: "mailbox-full" | "stopped"): void;
}

export class BackgroundTask<M, T> extends BaseFuture<void> implements Cancellable {
  handle: JoinHandle<void> | null = null;
  private cx: Context | null = null;
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
    let value: unknown;
    try {
      value = this.work.poll(cx);
    } catch (error) {
      this.owner.ended(this);
      this.owner.reportFailure("run", error);
      return undefined;
    }
    if (value === PENDING) return PENDING;
    this.owner.ended(this);
    this.owner.mailbox.offer(this.toMessage(value as T));
    return undefined;
  }
  override cancel(): void {
    if (this.handle !== null && !this.handle.finished) this.handle.cancel();
    else this.work.cancel?.();
  }
}
