/**
 * E5.8 the book's NestingFuture: a future that holds another and forwards each poll.
 */
import {
  BaseFuture,
  co,
  LiveRuntime,
  PENDING,
  seededRandom,
  randomInt,
  sleep,
  yieldNow,
  type Co,
  type Context,
  type Poll,
  type Rng,
} from "../../index.js";
import { externalControl } from "./coroutines.js";

import type { ExperimentResult, LabOptions } from "../types.js";
import { bookMs } from "../book-time.js";

/** The book's `NestingFuture`: holds another future and forwards each poll to it (L4029-4040). Counts its polls. */
class NestingFuture<T> extends BaseFuture<T> {
  polls = 0;
  constructor(private readonly inner: BaseFuture<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    this.polls++;
    // Same context, same waker: when the inner future is ready to go on, it wakes *this* task.
    return this.inner.poll(cx);
  }
}

/** A leaf that is PENDING `steps` times (waking itself each time), then ready with its poll count. */
class Steps extends BaseFuture<number> {
  polls = 0;
  constructor(private readonly steps: number) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.polls++;
    if (this.polls > this.steps) return this.polls;
    cx.waker.wake();
    return PENDING;
  }
}

/** Counts how often the generator resumes: once per poll that moves it on. */
function* yieldsThenSleep(yields: number, ms: number, resumes: { n: number }): Co<number> {
  for (let i = 0; i < yields; i++) {
    resumes.n++;
    yield* yieldNow();
  }
  resumes.n++;
  yield* sleep(ms);
  resumes.n++;
  return resumes.n;
}

/** A future with a `value` field it updates on every poll, and never ready (the book's prose, L4020-4023). */
class RandValueFuture extends BaseFuture<never> {
  value = 0;
  live = true;
  constructor(private readonly rng: Rng) {
    super();
  }
  poll(_cx: Context): Poll<never> {
    this.value = randomInt(this.rng, 11);
    return PENDING;
  }
}

/** A NestingFuture over a vector: polls every live child, sums their values, kills those below `cutoff` — E5.7's rules
 * inside a future. */
class NestingVector extends BaseFuture<number> {
  polls = 0;
  childPolls = 0;
  total = 0;
  constructor(
    private readonly children: RandValueFuture[],
    private readonly cutoff: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.polls++;
    for (const child of this.children) {
      if (!child.live) continue;
      child.poll(cx);
      this.childPolls++;
      this.total += child.value;
      if (child.value < this.cutoff) child.live = false;
    }
    if (!this.children.some((c) => c.live)) return this.total;
    // The children never wake anyone: the nesting future asks to be polled again itself.
    cx.waker.wake();
    return PENDING;
  }
}

export async function nestingFuture(opts: LabOptions): Promise<ExperimentResult> {
  const rt = new LiveRuntime();
  const polled = async <T>(f: BaseFuture<T>): Promise<{ value: T; taskPolls: number }> => {
    const before = rt.stats.polls;
    const value = await rt.blockOn(f);
    return { value, taskPolls: rt.stats.polls - before };
  };
  const rows: (string | number)[][] = [];

  const leaf = new Steps(3);
  const one = new NestingFuture(leaf);
  const r1 = await polled(one);
  rows.push(["NestingFuture(Steps(3))", r1.taskPolls, one.polls, leaf.polls]);

  const resumes = { n: 0 };
  const gen = new NestingFuture(co(yieldsThenSleep, 3, bookMs(opts, 1), resumes));
  const r2 = await polled(gen);
  rows.push([
    `NestingFuture(co: 3 × yieldNow, then sleep ${bookMs(opts, 1)} ms)`,
    r2.taskPolls,
    gen.polls,
    `${resumes.n} resumes`,
  ]);

  const deepLeaf = new Steps(3);
  const middle = new NestingFuture(deepLeaf);
  const outer = new NestingFuture(middle);
  const r3 = await polled(outer);
  rows.push([
    "NestingFuture(NestingFuture(Steps(3)))",
    r3.taskPolls,
    `${outer.polls} (middle ${middle.polls})`,
    deepLeaf.polls,
  ]);

  const rng = seededRandom(opts.seed);
  const vector = new NestingVector(
    Array.from({ length: 10 }, () => new RandValueFuture(rng)),
    9,
  );
  const r4 = await polled(vector);
  const e57 = externalControl(seededRandom(opts.seed), 10, 9);
  rows.push([
    "NestingVector(10 × RandValueFuture), kill value < 9",
    r4.taskPolls,
    vector.polls,
    `${vector.childPolls} child polls`,
  ]);

  return {
    blocks: [
      {
        kind: "table",
        title: "a hand-written future that polls another one, awaited as a task (polls measured)",
        columns: [
          { header: "future" },
          { header: "task polls (runtime)" },
          { header: "NestingFuture polls" },
          { header: "inner polls" },
        ],
        rows,
      },
      {
        kind: "book",
        rows: [
          {
            label: "NestingFuture",
            book: "poll forwards to inner: Ready(_) → Ready(()), Pending → Pending (L4029-4040)",
            ours: `${r1.taskPolls} task polls → ${one.polls} outer polls → ${leaf.polls} inner polls`,
          },
          {
            label: "vector of futures with value fields (prose, L4020-4026)",
            book: "no figure",
            ours:
              `Total: ${r4.value} in ${vector.polls} polls; E5.7's coroutine loop ` +
              `with the same seed and cut-off: Total: ${e57.total} in ${e57.rounds} ` +
              `rounds`,
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "A future inside a future is just a poll inside a poll: every poll of " +
            "the task reaches the innermost future, and the inner future's wake " +
            "reaches the outer task, because they share one Context.",
          "So the inner future is polled exactly as often as the outer one (it " +
            "cannot be polled on its own), however deep the nesting.",
          "The vector version runs E5.7's kill rules inside a future and reaches " +
            "the same total — but it runs on the executor's thread, with no direct " +
            "access to the caller's data (the book's point, L4024-4028).",
        ],
      },
    ],
  };
}
