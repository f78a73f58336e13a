/**
 * Which runtime `spawn()` uses: the one that is polling the current task, else the
 * process-wide default live runtime (created on first use). Tokio keeps the same
 * "current runtime" in a thread-local; JavaScript code on one thread needs only a
 * module variable, set by a driver around the polls it runs.
 */
import type { Future } from "../futures/poll.js";
import type { Co } from "../futures/generator-future.js";
import type { JoinHandle, SpawnOptions } from "./task.js";

/** Anything that can spawn: every runtime and driver implements it. */
export interface Spawner {
  spawn<T>(work: Future<T> | Co<T>, options?: SpawnOptions): JoinHandle<T>;
}

let current: Spawner | null = null;
let fallback: (() => Spawner) | null = null;

/** Run `fn` with `runtime` as the current runtime; returns what `fn` returns. */
export function enterRuntime<R>(runtime: Spawner, fn: () => R): R {
  const previous = current;
  current = runtime;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** The runtime polling the current task, if any. */
export function currentRuntime(): Spawner | null {
  return current;
}

/** @internal the default runtime factory, installed by the live runtime module. */
export function setDefaultRuntimeFactory(factory: () => Spawner): void {
  fallback = factory;
}

/** The current runtime, or the default live one. */
export function spawnerHere(): Spawner {
  if (current !== null) return current;
  if (fallback === null) throw new Error("no runtime available");
  return fallback();
}
