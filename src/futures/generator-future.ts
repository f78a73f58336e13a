/**
 * Generator coroutines: the `async`/`await` of this library.
 *
 * ```ts
 * const task = co(function* () {
 *   const a = yield* map(sleep(10), () => 1);  // any future awaits with yield*
 *   try { yield* sleep(1_000); } finally { console.log("cancelled → finally runs"); }
 *   return a;
 * });
 * ```
 *
 * A `GeneratorFuture` is itself a future. Each poll resumes the generator until it yields
 * a future that is not ready (→ `PENDING`, that future has arranged the wake) or
 * returns (→ the value). The future being awaited is kept in `awaited` and polled
 * again on the next poll; only when it is ready does the generator resume — so a
 * generator never observes a spurious wake-up.
 *
 * States: running (awaited === null, generator will be resumed), awaiting
 * (awaited !== null), finished (done). Cancel: abandon `awaited` (futures/abandon.ts:
 * a plain future is cancelled; a join handle only loses this reader, its task runs
 * on), then `generator.return()` so every `finally` block runs, innermost first.
 * A `finally` block that itself awaits during cancellation cannot be driven (the
 * task is going away), so each future it yields is abandoned at once.
 * A throw from a `finally` block propagates out of `cancel()`: the task that owns
 * the generator keeps it as the cause of its cancelled `JoinError` (task.ts).
 */
import { abandon } from "./abandon.js";
import { BaseFuture } from "./base-future.js";
import { YieldNow } from "./basic.js";
import { PENDING, PolledAfterCompletion, type Context, type Future, type Poll, type Waker } from "./poll.js";

/**
 * The generator type of a coroutine body: yields futures, returns `T`. It must be a
 * generator object made by a `function*` (not any object with `next`/`throw`): the
 * driver resumes it with the generator builtins directly (see `resumeGenerator`).
 */
export type Co<T> = Generator<Future<unknown>, T, any>;

/**
 * %GeneratorPrototype%, which every generator object inherits, and its methods.
 *
 * Why call `genNext.call(gen, v)` instead of `gen.next(v)`: one driver resumes the
 * generators of every task, so at `gen.next` V8 sees a different hidden class for each
 * generator function (each has its own prototype object) and the property lookup goes
 * megamorphic — a hashed lookup on every resume of every task. Calling the one builtin
 * that all of them inherit skips the lookup. Measured in `lab bench executor`, where the
 * cases share one driver as an application's tasks would (median of five runs, with the
 * one-object oneshot landing at the same time): spawn_many 0.97× → 1.02× of native,
 * ping_pong 0.96× → 1.19×. The price: a hand-made object with `next` and `throw` is not
 * accepted as a coroutine (`isGenerator` says so).
 */
const GeneratorPrototype = Object.getPrototypeOf(function* () {}.prototype) as Generator<unknown, unknown, unknown>;
const genNext = GeneratorPrototype.next;
const genThrow = GeneratorPrototype.throw;
const genReturn = GeneratorPrototype.return;

/**
 * Whoever drives a generator keeps the future it is waiting on here. Both
 * `GeneratorFuture` and the runtime's `Task` (which drives a spawned generator
 * itself, saving one object per spawn) implement it.
 */
export interface GeneratorDriver {
  awaited: Future<unknown> | null;
}

/**
 * Resume `gen` until it yields a future that is not ready (→ `PENDING`) or returns
 * (→ its value). Throws what the generator throws. See the module doc.
 */
export function resumeGenerator<T>(driver: GeneratorDriver, gen: Co<T>, cx: Context): Poll<T> {
  let input: unknown = undefined;
  let failed = false;
  let awaited = driver.awaited;
  if (awaited !== null) {
    try {
      input = awaited.poll(cx);
      if (input === PENDING) return PENDING;
    } catch (error) {
      failed = true;
      input = error;
    }
    driver.awaited = null;
  }
  for (;;) {
    const step = (failed ? genThrow.call(gen, input) : genNext.call(gen, input)) as IteratorResult<Future<unknown>, T>;
    if (step.done === true) return step.value;
    awaited = step.value;
    failed = false;
    if (awaited instanceof YieldNow) {
      // Fast path for the commonest await in a busy task: wake, give up the turn,
      // and resume without polling the YieldNow again (it has nothing to say).
      cx.waker.wake();
      return PENDING;
    }
    try {
      input = awaited.poll(cx);
    } catch (error) {
      failed = true;
      input = error;
      continue;
    }
    if (input === PENDING) {
      driver.awaited = awaited;
      return PENDING;
    }
  }
}

/**
 * Cancel a suspended generator: abandon what it awaits (`waker` is the one the
 * driver last polled with, so a shared future can tell which reader left), then run
 * its `finally` blocks. Throws what a `finally` block throws.
 */
export function cancelGenerator<T>(driver: GeneratorDriver, gen: Co<T>, waker?: Waker): void {
  const awaited = driver.awaited;
  driver.awaited = null;
  try {
    if (awaited !== null) abandon(awaited, waker);
  } finally {
    // return() runs the finally blocks (even if abandoning threw); if one of them awaits, abandon that too.
    let step = genReturn.call(gen, undefined) as IteratorResult<Future<unknown>, T>;
    while (step.done !== true) {
      abandon(step.value);
      step = genReturn.call(gen, undefined) as IteratorResult<Future<unknown>, T>;
    }
  }
}

export class GeneratorFuture<T> extends BaseFuture<T> implements GeneratorDriver {
  awaited: Future<unknown> | null = null;
  private done = false;
  /** The waker of the latest poll: `cancel` passes it on when it abandons `awaited`. */
  private waker: Waker | undefined = undefined;

  constructor(private readonly generator: Co<T>) {
    super();
  }

  poll(cx: Context): Poll<T> {
    if (this.done) throw new PolledAfterCompletion("coroutine");
    this.waker = cx.waker;
    let out: Poll<T>;
    try {
      out = resumeGenerator(this, this.generator, cx);
    } catch (error) {
      this.done = true;
      throw error;
    }
    if (out !== PENDING) this.done = true;
    return out;
  }

  override cancel(): void {
    if (this.done) return;
    this.done = true;
    cancelGenerator(this, this.generator, this.waker);
  }
}

/**
 * Start a generator coroutine from a generator function (or a generator object).
 * The generator does not run until the coroutine is first polled.
 */
export function co<T, A extends unknown[]>(body: (...args: A) => Co<T>, ...args: A): GeneratorFuture<T>;
export function co<T>(generator: Co<T>): GeneratorFuture<T>;
export function co<T>(body: ((...args: unknown[]) => Co<T>) | Co<T>, ...args: unknown[]): GeneratorFuture<T> {
  const generator = typeof body === "function" ? body(...args) : body;
  if (!isGenerator(generator))
    throw new TypeError("co() takes a generator function (function*) or a generator object it made");
  return new GeneratorFuture(generator);
}

/** True for generator objects made by a `function*` (what `co` and `spawn` accept besides futures). */
export function isGenerator(value: unknown): value is Co<unknown> {
  return typeof value === "object" && value !== null && GeneratorPrototype.isPrototypeOf(value);
}
