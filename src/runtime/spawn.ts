/**
 * The free functions most code uses: `spawn` onto the current runtime (the one
 * polling the caller, else the default live runtime) and `blockOn` to get a value
 * out as a promise.
 */
import type { Future } from "../futures/poll.js";
import type { Co } from "../futures/generator-future.js";
import { spawnerHere } from "./current.js";
import { getDefaultRuntime } from "./live-runtime.js";
import type { JoinHandle, SpawnOptions } from "./task.js";

/** Spawn a future or generator onto the current runtime; returns its `JoinHandle`. */
export function spawn<T>(work: Future<T> | Co<T>, options?: SpawnOptions): JoinHandle<T> {
  return spawnerHere().spawn(work, options);
}

/**
 * Drive `work` on the default live runtime and resolve with its value. The promise
 * rejects with the error the future threw (not wrapped).
 */
export function blockOn<T>(work: Future<T> | Co<T>): Promise<T> {
  return getDefaultRuntime().blockOn(work);
}
