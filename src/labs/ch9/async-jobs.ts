/**
 * The private half of the book's `async_mod` (E9.1): the async code, run only inside the
 * isolated runtime's worker thread. Nothing here is reachable from the synchronous side
 * except by job name, as the book keeps `async_add` and its runtime private.
 */
import { co, sleep, type Co, type IsolatedJob } from "../../index.js";

function* asyncAdd(a: number, b: number, sleepMs: number, log: (line: string) => void): Co<number> {
  log("starting async_add");
  yield* sleep(sleepMs);
  log("finished async_add");
  return a + b;
}

export const jobs: Record<string, IsolatedJob> = {
  /** args: [a, b, sleepMs] — the book sleeps a fixed time; we scale it with --time-scale. */
  add: ([a, b, sleepMs], log) => co(asyncAdd, a as number, b as number, sleepMs as number, log),
};
