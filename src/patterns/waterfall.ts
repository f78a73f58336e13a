/**
 * The waterfall of E9.2: steps run one after another, each given the previous step's
 * output; the first failure stops the chain (Rust's `?`). A step may branch by
 * returning the future of whichever next step it chooses.
 *
 * Invariant: step i+1's future is created only after step i succeeded — a failed
 * step means later steps never start (no side effects from them).
 */
import type { BaseFuture } from "../futures/base-future.js";
import { awaitable } from "../futures/base-future.js";
import type { Future } from "../futures/poll.js";
import { co, type Co } from "../futures/generator-future.js";

export type Step = (input: unknown) => Future<unknown>;

export function waterfall<T>(first: () => Future<unknown>, ...rest: Step[]): BaseFuture<T> {
  return co(runWaterfall, first, rest) as BaseFuture<T>;
}

function* runWaterfall(first: () => Future<unknown>, rest: Step[]): Co<unknown> {
  let value = yield* awaitable(first());
  for (const step of rest) value = yield* awaitable(step(value));
  return value;
}
