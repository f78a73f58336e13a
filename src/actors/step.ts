/**
 * Turning a hook's or handler's result into something the actor loop can poll.
 * Invariant: a plain value is returned as is (no future built) — that keeps a
 * synchronous handler, the common case, free of allocation.
 */
import { GeneratorFuture, isGenerator, type Co } from "../futures/generator-future.js";
import type { Context, Future } from "../futures/poll.js";
import type { Phase } from "./actor.js";
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

/** `pollStep` returns this when the step threw (the owner was told). */
export const THREW: unique symbol = Symbol("THREW");

/** Who hears that a step threw: the actor, which fails in that phase. */
export interface StepOwner {
  stepFailed(phase: Phase, error: unknown): void;
}

/**
 * Poll a hook's or handler's step; on a throw, tell `owner` the phase it failed in
 * and return {@link THREW}. The one place the actor loop catches a step's throw, so
 * every phase fails the same way (the step is dropped, the ask failed, supervision asked).
 */
export function pollStep(step: Future<unknown>, cx: Context, owner: StepOwner, phase: Phase): unknown {
  try {
    return step.poll(cx);
  } catch (error) {
    owner.stepFailed(phase, error);
    return THREW;
  }
}
