/**
 * What every driver does the same way — `LiveRuntime`, `LiveLoopsRuntime`,
 * `SimRuntime` and `VirtualRuntime` differ in *when* they poll, not in what a spawn,
 * a failure report or a `blockOn` result is. Kept once, here, so a rule changes in
 * one place:
 *
 * 1. A spawn makes one `Task` (ids from 1 per driver). A generator is driven by the
 *    task itself — no `GeneratorFuture` around it (task.ts: one allocation per spawn).
 * 2. A detached task's failure is reported with one text (`detachedErrorText`),
 *    unless the driver was given its own `onDetachedError`.
 * 3. No throw ends a drain. `Task.run` already keeps what a poll, a cancel or a
 *    `finally` throws (the task's `JoinError` gets it). What could still escape — a
 *    waker, or a user's `onDetachedError`, that throws — is caught by `runTask` and
 *    reported like a detached failure, so the drain goes on with its flags right.
 *    (`LiveRuntime` writes the same try/catch out in its poll loop, the hottest
 *    call site of all: see the comment there.)
 * 4. `blockOn` unwraps: it rejects (or throws) with the future's own error, not the
 *    `JoinError` around it; a cancelled task stays a cancelled `JoinError`. The
 *    shape follows the clock: real-time drivers (`LiveRuntime`, `LiveLoopsRuntime`)
 *    return a `Promise<T>`; virtual-time drivers (`SimRuntime`, `VirtualRuntime`)
 *    run the whole simulation synchronously and return `T`.
 */
import { abandon } from "../futures/abandon.js";
import type { Co } from "../futures/generator-future.js";
import { noopWaker, PENDING, type Future } from "../futures/poll.js";
import { JoinError, Task, type JoinHandle, type SpawnOptions, type TaskScheduler } from "./task.js";

/** Receives the failure of a task nobody awaits (see `JoinHandle.detach`). */
export type DetachedErrorHandler = (error: unknown, task: JoinHandle<unknown>) => void;

/** The one line every driver prints for a detached task's failure. */
export function detachedErrorText(error: unknown, task: JoinHandle<unknown>): string {
  const name = (task as Task<unknown>).name;
  const what = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  return `async-lab: detached task ${task.id}${name === undefined ? "" : ` (${name})`} failed: ${what}\n`;
}

/** The default {@link DetachedErrorHandler}: one line on stderr. */
export const reportToStderr: DetachedErrorHandler = (error, task) => {
  process.stderr.write(detachedErrorText(error, task));
};

/** Make the task for one spawn (rule 1). The caller pushes it on its queue. */
export function createTask<T>(
  id: number,
  work: Future<T> | Co<T>,
  scheduler: TaskScheduler,
  options: SpawnOptions | undefined,
): Task<T> {
  const task = new Task<T>(id, work, scheduler);
  if (options?.name !== undefined) task.name = options.name;
  return task;
}

/** Report through `handler`; if the handler itself throws, fall back to stderr (rule 3). */
export function reportDetached(handler: DetachedErrorHandler, error: unknown, task: JoinHandle<unknown>): void {
  try {
    handler(error, task);
  } catch (reportError) {
    reportToStderr(error, task);
    reportToStderr(reportError, task);
  }
}

/** Poll `task` once; nothing it throws leaves this call (rule 3). */
export function runTask(task: Task<unknown>, handler: DetachedErrorHandler): void {
  try {
    task.run();
  } catch (error) {
    reportDetached(handler, error, task);
  }
}

/** The error `blockOn` surfaces for a task's `JoinError` (rule 4). */
export function unwrapJoinError(error: unknown): unknown {
  return error instanceof JoinError && error.kind === "failed" ? error.cause : error;
}

/** `blockOn` for real-time drivers: the handle's outcome as a promise (rule 4). */
export function outcomeAsPromise<T>(handle: JoinHandle<T>): Promise<T> {
  return handle.toPromise().catch((error: unknown) => {
    throw unwrapJoinError(error);
  });
}

/**
 * `blockOn` for virtual-time drivers, after the run: the value, or the unwrapped
 * error; `stalled` explains a task that had not finished when the run stopped.
 */
export function takeOutcome<T>(handle: JoinHandle<T>, stalled: () => string): T {
  let out: T | typeof PENDING;
  try {
    out = handle.poll({ waker: noopWaker });
  } catch (error) {
    throw unwrapJoinError(error);
  }
  if (out === PENDING) {
    // The poll above registered the no-op waker; leave no trace of it.
    abandon(handle, noopWaker);
    throw new Error(stalled());
  }
  return out;
}
