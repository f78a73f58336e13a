/**
 * Turning a hook's or handler's result into something the actor loop can poll.
 * Invariant: a plain value is returned as is (no future built) — that keeps a
 * synchronous handler, the common case, free of allocation.
 */
import { GeneratorFuture, isGenerator, type Co } from "../futures/generator-future.js";
import type { Future } from "../futures/poll.js";
import { fromPromise } from "../futures/promise.js";

/** `toStep(x)` returns this when `x` is a plain value, not something to await. */
export const PLAIN: unique symbol = Symbol("PLAIN");

/** A future for a future / generator / promise result; {@link PLAIN} for anything else. */
export function toStep(result: unknown): Future<unknown> | typeof PLAIN {
  if (typeof result !== "object" || result === null) return PLAIN;
  const r = result as { poll?: unknown; then?: unknown };
  if (typeof r.poll === "function") return result as Future<unknown>;
  if (isGenerator(result)) return new GeneratorFuture(result as Co<unknown>);
  if (typeof r.then === "function") return fromPromise(result as PromiseLike<unknown>);
  return PLAIN;
}
