/**
 * E2.3 the book's CounterFuture: a future that counts its polls and wakes itself until
 * it is done — and, without the wake, is never polled again (the hang).
 */
import {
  BaseFuture,
  blockingSleep,
  join,
  LiveRuntime,
  PENDING,
  timeout,
  TimeoutError,
  type Context,
  type Poll,
} from "../../index.js";

import type { Experiment } from "../types.js";
import { bookMs } from "../book-time.js";

/** The book's CounterFuture: counts its polls; wakes itself (or not) until it has been polled 3 times. */
class CounterFuture extends BaseFuture<number> {
  count = 0;
  constructor(
    private readonly name: string,
    private readonly wakeItself: boolean,
    private readonly blockMs: number,
    private readonly out: string[],
  ) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.count += 1;
    this.out.push(`${this.name}: polling with result: ${this.count}`);
    blockingSleep(this.blockMs);
    if (this.count < 3) {
      if (this.wakeItself) cx.waker.wake();
      return PENDING;
    }
    return this.count;
  }
}

export const counter: Experiment = {
  id: "counter",
  book: "E2.3",
  title: "CounterFuture: two tasks polled through a waker — and what happens without one",
  summary: "Pending/Ready and the waker: forget to wake and the task is never polled again",
  async run(opts) {
    const blockMs = bookMs(opts, 1);
    const run = async (wake: boolean) => {
      const out: string[] = [];
      const rt = new LiveRuntime();
      const one = new CounterFuture("one", wake, blockMs, out);
      const two = new CounterFuture("two", wake, blockMs, out);
      const h1 = rt.spawn(one);
      const h2 = rt.spawn(two);
      // Without a wake nothing will ever poll them again: give up after 20 book-seconds.
      let outcome = "both ready";
      try {
        await rt.blockOn(timeout(join(h1, h2), 20 * blockMs));
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        outcome = "hung (cancelled after 20 book-seconds)";
        h1.cancel();
        h2.cancel();
      }
      return { out, polls: one.count + two.count, outcome, polled: rt.stats.polls };
    };
    const woken = await run(true);
    const silent = await run(false);
    return {
      blocks: [
        { kind: "text", title: "with cx.waker.wake() — the book's output is 1,1,2,2,3,3", lines: woken.out },
        { kind: "text", title: "without the wake — the book's output is 1,1 and then a hang", lines: silent.out },
        {
          kind: "table",
          columns: [
            { header: "variant" },
            { header: "CounterFuture polls" },
            { header: "runtime polls" },
            { header: "outcome" },
          ],
          rows: [
            ["wake_by_ref before Pending", woken.polls, woken.polled, woken.outcome],
            ["no wake", silent.polls, silent.polled, silent.outcome],
          ],
        },
        {
          kind: "notice",
          lines: [
            "The two tasks alternate: each poll returns PENDING after waking " +
              "itself, which puts its task at the back of the queue.",
            "Returning PENDING without arranging a wake is a promise nobody keeps: " +
              "the executor never polls the future again.",
          ],
        },
      ],
    };
  },
};
