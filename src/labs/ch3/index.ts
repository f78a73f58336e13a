/**
 * Chapter 3 — Building our own async runtime. The book's experiments in its order,
 * each run on a runtime built with this library's builder and recorded with a trace:
 *
 *   basic-queue  E3.1/E3.2  one queue, one loop; CounterFuture + async_fn; AsyncSleep
 *   more-workers E3.3       the same load on 1, 2 and 3 loops
 *   priority     E3.4/E3.6  high × 2 + low × 1 loops; spawn(f, { priority }) defaults to low
 *   stealing     E3.5       idle high loops steal low work — and the case where they should not
 *   join         E3.7       join / tryJoin: results in argument order, first error wins
 *   builder      E3.8       Runtime defaults (cores − 2 high, 1 low) and withHighNum/withLowNum
 *   background   E3.9       a background process that runs for the whole program, detached
 *
 * The book blocks its worker threads with `thread::sleep(1 s)`; here a future declares
 * that with `block(ms)`. The sim driver (default) turns it into virtual time, so the
 * book's 10-second runs take milliseconds and print the same every time.
 */
import type { Chapter } from "../types.js";
import { basicQueue } from "./basic-queue.js";
import { asyncSleep } from "./async-sleep.js";
import { moreWorkers } from "./more-workers.js";
import { priorityQueues } from "./priority.js";
import { stealing } from "./stealing.js";
import { joinExperiment } from "./join.js";
import { builder } from "./builder.js";
import { background } from "./background.js";

export const ch3: Chapter = {
  id: "ch3",
  title: "Building our own async runtime",
  options: [
    {
      flags: "--lazy-queues",
      description:
        "stealing: also run with lazily started queues (the book's pitfall: loops that never start never steal)",
    },
  ],
  experiments: [basicQueue, asyncSleep, moreWorkers, priorityQueues, stealing, joinExperiment, builder, background],
};
