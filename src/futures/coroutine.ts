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
 *
 * States of a generator coroutine: suspended ──resume──▶ suspended | complete |
 * panicked (the resume threw). Resuming a complete one is a contract error, as
 * polling a finished future; resuming a panicked one throws "resumed after
 * panicking" (Rust's words) — the generator is closed, and answering `complete`
 * would invent a return value it never produced. `cancel()` closes a suspended
 * generator so its `finally` blocks run; `asFuture(...)` forwards its own cancel to it.
 */
import { BaseFuture } from "./base-future.js";
import { PENDING, PolledAfterCompletion, type Context, type Poll } from "./poll.js";

/** What one `resume` produced. */
export type CoroutineState<Y, R> =
  { readonly kind: "yielded"; readonly value: Y } | { readonly kind: "complete"; readonly value: R };

/** Something that can be resumed until complete. */
export interface Coroutine<Y, R, A = void> {
  resume(arg: A): CoroutineState<Y, R>;
  /** Give up on a suspended coroutine: its cleanup (`finally` blocks) runs now. Optional. */
  cancel?(): void;
}

const SUSPENDED = 0;
const COMPLETE = 1;
const PANICKED = 2;
const CANCELLED = 3;

class GeneratorCoroutine<Y, R, A> implements Coroutine<Y, R, A> {
  private state = SUSPENDED;
  constructor(private readonly generator: Generator<Y, R, A>) {}
  resume(arg: A): CoroutineState<Y, R> {
    switch (this.state) {
      case COMPLETE:
        throw new PolledAfterCompletion("coroutine");
      case PANICKED:
        throw new Error("coroutine resumed after panicking (an earlier resume threw)");
      case CANCELLED:
        throw new Error("coroutine resumed after it was cancelled");
    }
    let step: IteratorResult<Y, R>;
    try {
      step = this.generator.next(arg);
    } catch (error) {
      this.state = PANICKED;
      throw error;
    }
    if (step.done === true) {
      this.state = COMPLETE;
      return { kind: "complete", value: step.value };
    }
    return { kind: "yielded", value: step.value };
  }
  cancel(): void {
    if (this.state !== SUSPENDED) return;
    this.state = CANCELLED;
    // A `finally` that yields while being closed cannot be resumed: close it again.
    let step = this.generator.return(undefined as R);
    while (step.done !== true) step = this.generator.return(undefined as R);
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
    let state: CoroutineState<unknown, R>;
    try {
      state = this.coroutine.resume();
    } catch (error) {
      this.done = true;
      throw error;
    }
    if (state.kind === "complete") {
      this.done = true;
      return state.value;
    }
    cx.waker.wake();
    return PENDING;
  }
  override cancel(): void {
    if (this.done) return;
    this.done = true;
    this.coroutine.cancel?.();
  }
}

/** Drive a coroutine as a future: one `resume` per poll, re-waking itself after each yield. */
export function asFuture<R>(coroutine: Coroutine<unknown, R, void>): BaseFuture<R> {
  return new CoroutineFuture(coroutine);
}
