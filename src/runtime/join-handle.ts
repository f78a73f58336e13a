/**
 * What a spawner holds: the `JoinHandle` contract, the `JoinError` it reports, and the
 * options a spawn takes. The task (task.ts) implements the handle; this file is the
 * part a user of any driver reads.
 */
import type { Future } from "../futures/poll.js";

/** Why a join handle could not produce its task's value. */
export class JoinError extends Error {
  constructor(
    readonly kind: "failed" | "cancelled",
    readonly taskId: number,
    cause?: unknown,
  ) {
    super(
      kind === "cancelled"
        ? cause === undefined
          ? `task ${taskId} was cancelled`
          : `task ${taskId} was cancelled, and its cleanup threw: ${describe(cause)}`
        : `task ${taskId} failed: ${describe(cause)}`,
      { cause },
    );
    this.name = "JoinError";
  }
  get isCancelled(): boolean {
    return this.kind === "cancelled";
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * The spawner's side of a task: await its value (`yield* handle`, or `await handle`
 * as it is also a `PromiseLike`), cancel it, or let it run on its own.
 *
 * Any number of tasks and promises may await one handle; each gets the outcome, and
 * asking again after the end gives the same outcome. An awaiter that gives up (its
 * task is cancelled, it loses a `select`, a `tryJoin` sibling failed, a `timeout`
 * fired) only stops waiting: the task runs on and the other awaiters still get it,
 * as dropping a tokio `JoinHandle` detaches. Only `cancel()` stops the task.
 */
export interface JoinHandle<T> extends Future<T>, PromiseLike<T> {
  readonly id: number;
  /** True once the task completed, failed or was cancelled. */
  readonly finished: boolean;
  /**
   * Stop the task: its future is cancelled (generator `finally` blocks run). False if it
   * had already ended. Never throws: a throw from the task's cleanup becomes the cause
   * of its cancelled `JoinError`.
   */
  cancel(): boolean;
  /** Let the task run on unobserved; a failure is then reported by the runtime (once) instead of lost. */
  detach(): void;
  /** The task's value as a promise (rejects with `JoinError`). */
  toPromise(): Promise<T>;
  [Symbol.iterator](): Iterator<Future<unknown>, T, unknown>;
}

/** Per-spawn options understood by every runtime. */
export interface SpawnOptions {
  /** A name for traces and error reports. */
  name?: string;
  /**
   * Which named queue the task goes to in a multi-queue runtime (`"high"`, `"low"`, or
   * any name the runtime was built with). Default: the lowest-priority queue, as the
   * book's `spawn_task!` defaults to `Low`. Single-queue runtimes ignore it.
   */
  priority?: string;
}
