/**
 * E2.6 / E2.7 futures sharing a counter: `try_lock` inside `poll` (report, wake, retry —
 * never block the executor) beside the async-mutex version.
 */
import {
  BaseFuture,
  blockingSleep,
  co,
  join,
  LiveRuntime,
  Mutex,
  PENDING,
  yieldNow,
  type Co,
  type Context,
  type Poll,
} from "../../index.js";

import type { Experiment } from "../types.js";
import { bookMs } from "../book-time.js";

/** E2.6: try_lock inside poll. On failure: report, wake, and try again later — never block. */
class SharedCounterFuture extends BaseFuture<void> {
  private count = 0;
  constructor(
    private readonly kind: "Increment" | "Decrement",
    private readonly data: Mutex<number>,
    private readonly out: string[],
    private readonly blockMs: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    blockingSleep(this.blockMs);
    const guard = this.data.tryLock();
    if (guard === null) {
      this.out.push(`error for ${this.kind}: try_lock failed because the operation would block`);
      cx.waker.wake();
      return PENDING;
    }
    guard.value += this.kind === "Increment" ? 1 : -1;
    this.out.push(`after ${this.kind.toLowerCase()}: ${guard.value}`);
    guard.release();
    this.count += 1;
    if (this.count < 3) {
      cx.waker.wake();
      return PENDING;
    }
    return undefined;
  }
}

/** A third task that holds the lock across one await — the only way to contend on one thread. */
function* lockHolder(data: Mutex<number>): Co<void> {
  const guard = yield* data.lock();
  yield* yieldNow();
  guard.release();
}

/** E2.7: the async-mutex version, an async fn instead of a hand-written poll. */
function* countWithAsyncLock(
  n: number,
  data: Mutex<number>,
  kind: "Increment" | "Decrement",
  out: string[],
  blockMs: number,
): Co<void> {
  for (let i = 0; i < n; i++) {
    const guard = yield* data.lock();
    guard.value += kind === "Increment" ? 1 : -1;
    out.push(`after ${kind.toLowerCase()}: ${guard.value}`);
    guard.release();
    blockingSleep(blockMs);
    yield* yieldNow();
  }
}

export const sharedCounter: Experiment = {
  id: "shared-counter",
  book: "E2.6–E2.7",
  title: "Two futures sharing a counter: try_lock inside poll, then an async mutex",
  summary: "increment and decrement through one lock; never block the executor waiting for it",
  async run(opts) {
    const blockMs = bookMs(opts, 0.1); // the book's 1 s steps, shortened 10× more: the point is the order
    const tryOut: string[] = [];
    const data = new Mutex(0);
    const rt = new LiveRuntime();
    const holder = rt.spawn(lockHolder(data));
    const inc = rt.spawn(new SharedCounterFuture("Increment", data, tryOut, blockMs));
    const dec = rt.spawn(new SharedCounterFuture("Decrement", data, tryOut, blockMs));
    await rt.blockOn(join(holder, inc, dec));
    const tryFinal = data.tryLock()!;
    const finalTry = tryFinal.value;
    tryFinal.release();

    const asyncOut: string[] = [];
    const data2 = new Mutex(0);
    await rt.blockOn(
      join(
        co(countWithAsyncLock, 3, data2, "Increment", asyncOut, blockMs),
        co(countWithAsyncLock, 3, data2, "Decrement", asyncOut, blockMs),
      ),
    );
    const errors = tryOut.filter((l) => l.startsWith("error")).length;
    return {
      blocks: [
        {
          kind: "text",
          title: "E2.6 try_lock in poll (a third task holds the lock across an await at first)",
          lines: tryOut,
        },
        { kind: "text", title: "E2.7 async fn + async mutex", lines: asyncOut },
        {
          kind: "table",
          columns: [
            { header: "variant" },
            { header: "updates" },
            { header: "would-block retries" },
            { header: "final value" },
            { header: "book's final value" },
          ],
          rows: [
            ["try_lock inside poll", tryOut.length - errors, errors, finalTry, 0],
            ["async mutex", asyncOut.length, "none: lock().await parks the task", data2.data, 0],
          ],
        },
        {
          kind: "notice",
          lines: [
            "On one thread a lock is only contended if someone holds it across an " +
              "await; here a third task does, so the first tries report would-block " +
              "and retry via the waker instead of blocking.",
            "The book needed several runs to see the error on Tokio's threads; a " +
              "held-across-await lock reproduces it every time.",
            "Either way the increments and decrements cancel out: the final value is 0.",
          ],
        },
      ],
    };
  },
};
