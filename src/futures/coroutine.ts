/**
 * Chapter 5's `Coroutine` trait — the lower-level face of generator coroutines.
 *
 * Rust's nightly `Coroutine` has one method, `resume(arg)`, answering either
 * `Yielded(y)` or `Complete(r)`. Here it is the same, as an interface, and any
 * generator becomes one with {@link fromGenerator}. `asFuture` is the book's bridge
 * from chapter 5 back to chapter 2: each poll resumes once; a yield means "not yet",
 * so the adapter wakes itself and returns `PENDING` — busy polling, exactly as the
 * book's `SleepCoroutine` does. (A coroutine that yields a future instead is the
 * better design: that is `co()` in generator-future.ts.)
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "./poll.js";

/** What one `resume` produced. */
export type CoroutineState<Y, R> = { readonly kind: "yielded"; readonly value: Y } | { readonly kind: "complete"; readonly value: R };

/** Something that can be resumed until complete. */
export interface Coroutine<Y, R, A = void> {
  resume(arg: A): CoroutineState<Y, R>;
}

class GeneratorCoroutine<Y, R, A> implements Coroutine<Y, R, A> {
  private complete = false;
  constructor(private readonly generator: Generator<Y, R, A>) {}
  resume(arg: A): CoroutineState<Y, R> {
    if (this.complete) throw new PolledAfterCompletion("coroutine");
    const step = this.generator.next(arg);
    if (step.done === true) {
      this.complete = true;
      return { kind: "complete", value: step.value };
    }
    return { kind: "yielded", value: step.value };
  }
}

/**
 * A generator as a `Coroutine`. Note the first `resume(arg)` starts the generator
 * and `arg` is dropped (JavaScript has no way to receive the first `next` argument);
 * later args become the value of the `yield` expression.
 */
export function fromGenerator<Y, R, A = void>(generator: Generator<Y, R, A>): Coroutine<Y, R, A> {
  return new GeneratorCoroutine(generator);
}

class CoroutineFuture<R> extends BaseFuture<R> {
  private done = false;
  constructor(private readonly coroutine: Coroutine<unknown, R, void>) {
    super();
  }
  poll(cx: Context): Poll<R> {
    if (this.done) throw new PolledAfterCompletion("asFuture()");
    const state = this.coroutine.resume();
    if (state.kind === "complete") {
      this.done = true;
      return state.value;
    }
    cx.waker.wake();
    return PENDING;
  }
}

/** Drive a coroutine as a future: one `resume` per poll, re-waking itself after each yield. */
export function asFuture<R>(coroutine: Coroutine<unknown, R, void>): BaseFuture<R> {
  return new CoroutineFuture(coroutine);
}
