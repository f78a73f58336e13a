/**
 * The submitter's handle on one pool task: a future (`yield* handle`) and a
 * promise-like (`await handle`), like the runtime's `JoinHandle`.
 *
 * States: pending → ok | failed | cancelled, set once by the pool (`settle`).
 * A promise is created only if someone awaits the handle as a promise: a batch of
 * 200,000 tiny tasks joined as futures allocates no promises.
 *
 * Any number of tasks and promises may await one handle at once. Tasks park on a
 * waiter list (futures/waiter-list.ts) with one place per waker: a task polls with
 * the same waker every time, so re-polling re-registers in place and the list never
 * grows; `settle` wakes them all. Polling or `then`-ing a settled handle again gives
 * the same outcome again.
 */
import { BaseFuture } from "../../futures/base-future.js";
import { PENDING, type Context, type Poll, type Waker } from "../../futures/poll.js";
import { WaiterList, type Waiter } from "../../futures/waiter-list.js";
import { JoinError } from "../task.js";

/** A pool worker died (exit, uncaught error, out of memory) while running the task. */
export class WorkerDiedError extends Error {
  constructor(
    readonly worker: number,
    readonly exitCode: number,
    cause?: unknown,
  ) {
    super(`pool worker ${worker} died (exit code ${exitCode}) while running the task`, { cause });
    this.name = "WorkerDiedError";
  }
}

/** `close({ deadlineMs })` gave up on the task: it was still running (or waiting) at the deadline. */
export class PoolClosedError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`the pool closed with a ${deadlineMs} ms deadline and the task had not finished`);
    this.name = "PoolClosedError";
  }
}

/**
 * The task finished, but its worker died before the result reached the pool and the
 * result was not a primitive the task table could keep. `finishedOk` says whether it
 * returned (true) or threw (false).
 */
export class ResultLostError extends Error {
  constructor(
    readonly worker: number,
    readonly finishedOk: boolean,
  ) {
    super(
      `the task ${finishedOk ? "finished" : "failed"} on pool worker ` +
        `${worker}, but the worker died before sending its ` +
        `${finishedOk ? "result" : "error"}`,
    );
    this.name = "ResultLostError";
  }
}

export type PoolTaskState = "pending" | "ok" | "failed" | "cancelled";

export class PoolHandle<T> extends BaseFuture<T> implements PromiseLike<T> {
  state: PoolTaskState = "pending";
  /** Task-table slot while queued or running; -1 while waiting for a free slot, or after. */
  slot = -1;
  /** @internal the worker it is pinned to, or -1. */
  worker = -1;
  private value: unknown = undefined;
  /** Parked tasks, one place per waker (created on the first pending poll). */
  private waiters: WaiterList | null = null;
  /** The first waker's place; a Map only from the second distinct waker on (the common join has one). */
  private firstWaker: Waker | null = null;
  private firstKey: Waiter | null = null;
  private keys: Map<Waker, Waiter> | null = null;
  private listeners: (() => void)[] | null = null;
  /** @internal runs once when the handle settles (the pool removes an AbortSignal listener here). */
  onSettled: (() => void) | null = null;

  constructor(
    readonly id: number,
    private readonly canceller: (handle: PoolHandle<T>) => boolean,
  ) {
    super();
  }

  get finished(): boolean {
    return this.state !== "pending";
  }

  /**
   * Queued (or waiting for a slot): removed, never runs, settles cancelled; true.
   * Running: its `ctx.signal` fires; it settles with whatever the task then does; true.
   * Finished: false.
   */
  override cancel(): boolean {
    return this.state === "pending" && this.canceller(this);
  }

  /** @internal the pool's only way in. */
  settle(state: Exclude<PoolTaskState, "pending">, value: unknown): void {
    if (this.state !== "pending") return;
    this.state = state;
    this.value = value;
    const settled = this.onSettled;
    this.onSettled = null;
    settled?.();
    this.firstWaker = this.firstKey = null;
    this.keys = null;
    this.waiters?.wakeAll();
    const ls = this.listeners;
    this.listeners = null;
    if (ls !== null) for (const l of ls) l();
  }

  poll(cx: Context): Poll<T> {
    switch (this.state) {
      case "pending": {
        const waker = cx.waker;
        const waiters = (this.waiters ??= new WaiterList());
        if (this.firstWaker === null || this.firstWaker === waker) {
          this.firstWaker = waker;
          this.firstKey = waiters.register(this.firstKey, waker);
        } else {
          const keys = (this.keys ??= new Map());
          keys.set(waker, waiters.register(keys.get(waker) ?? null, waker));
        }
        return PENDING;
      }
      case "ok":
        return this.value as T;
      case "failed":
        throw new JoinError("failed", this.id, this.value);
      case "cancelled":
        throw new JoinError("cancelled", this.id);
    }
  }

  toPromise(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const deliver = (): void => {
        if (this.state === "ok") resolve(this.value as T);
        else
          reject(
            this.state === "failed"
              ? new JoinError("failed", this.id, this.value)
              : new JoinError("cancelled", this.id),
          );
      };
      if (this.state !== "pending") deliver();
      else (this.listeners ??= []).push(deliver);
    });
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.toPromise().then(onFulfilled, onRejected);
  }
}
