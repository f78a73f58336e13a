/**
 * E3.2 the book's `AsyncSleep`: a sleep future with no timer. Each poll compares the
 * elapsed time with the duration; until it is due, the future wakes itself and returns
 * Pending, so it goes back to the end of the queue. Beside it, this library's
 * timer-based `sleep`, which is polled once to register and once when the timer fires.
 *
 * Both run on one loop behind tasks that block it (the book's queue of other work),
 * so both can only finish when the loop gets round to them: they overshoot, by up to
 * one lap of the queue. What differs is the cost of waiting — the polls.
 *
 * Invariant: AsyncSleep never finishes early (it checks `elapsed >= duration` against
 * the driver's clock), and in the sim it is only ever run beside blockers that outlast
 * it: alone, a self-waking future would spin forever at one virtual instant.
 */
import { BaseFuture, PENDING, Runtime, block, sleep, type Context, type Future, type Poll } from "../../index.js";
import { col, table } from "../table.js";
import type { Experiment } from "../types.js";
import { bookSecond, bookSeconds, build, result, runOn, timeline } from "./harness.js";

/** The book's AsyncSleep (L1997-2060): elapsed ≥ duration → Ready(true), else wake + Pending. */
export class AsyncSleep extends BaseFuture<boolean> {
  polls = 0;
  private start: number | null = null;
  constructor(private readonly durationMs: number) {
    super();
  }
  poll(cx: Context): Poll<boolean> {
    this.polls++;
    const now = cx.timers!.now();
    // the book's start_time is taken when the future is made; ours when first polled (it is spawned at t = 0 either
    // way)
    this.start ??= now;
    if (now - this.start >= this.durationMs) return true;
    cx.waker.wake();
    return PENDING;
  }
}

/** Counts the polls of a future it wraps: the timer-based sleep, seen from outside. */
class Counted<T> extends BaseFuture<T> {
  polls = 0;
  constructor(private readonly inner: Future<T>) {
    super();
  }
  poll(cx: Context): Poll<T> {
    this.polls++;
    return this.inner.poll(cx);
  }
}

/** The queue's other work: blocks the loop for `ms` per poll, and keeps coming back until `enough()`. */
class BlockUntil extends BaseFuture<void> {
  constructor(
    private readonly ms: number,
    private readonly enough: () => boolean,
  ) {
    super();
  }
  poll(cx: Context): Poll<void> {
    block(this.ms);
    if (this.enough()) return undefined;
    cx.waker.wake();
    return PENDING;
  }
}

/** One run: `blockers` tasks blocking the loop for `blockS` per poll, and both sleeps of `sleepS`. */
export async function sleepRace(opts: Parameters<Experiment["run"]>[0], blockers: number, sleepS = 2, blockS = 0.3) {
  const SECOND = bookSecond(opts);
  const rt = build(
    new Runtime()
      .withQueues([{ name: "queue", workers: 1 }])
      .withPolicy("fifo")
      .withSeed(opts.seed)
      .withTrace(),
    opts,
  );
  const own = new AsyncSleep(sleepS * SECOND);
  const timer = new Counted(sleep(sleepS * SECOND));
  const a = rt.spawn(own, { name: "AsyncSleep" });
  const t = rt.spawn(timer, { name: "timer sleep" });
  // The blockers stop once both sleeps are done: the sim never sees a lone spinner.
  const bothDone = () => a.finished && t.finished;
  for (let i = 0; i < blockers; i++) rt.spawn(new BlockUntil(blockS * SECOND, bothDone), { name: `${i + 1} blocker` });
  await runOn(rt);
  const at = (h: typeof a | typeof t) =>
    rt.trace!.events.filter((e) => e.kind === "end" && e.task === h.id).map((e) => e.t)[0] ?? NaN;
  return {
    rt,
    SECOND,
    async: { polls: own.polls, done: bookSeconds(at(a), SECOND) },
    timer: { polls: timer.polls, done: bookSeconds(at(t), SECOND) },
  };
}

export const asyncSleep: Experiment = {
  usesDriver: true,
  recordsTrace: true,
  id: "async-sleep",
  book: "E3.2",
  title: "AsyncSleep: a sleep that checks the clock and wakes itself, behind blocking tasks",
  summary: "both sleeps overshoot behind blockers; AsyncSleep pays a poll per lap, the timer sleep two polls",
  default: true,
  async run(opts) {
    const virtual = opts.driver === "sim" ? " (virtual)" : "";
    const runs = [];
    for (const blockers of [1, 2, 4]) runs.push({ blockers, r: await sleepRace(opts, blockers) });
    const rows = runs.flatMap(({ blockers, r }) => [
      [blockers, "AsyncSleep (book)", r.async.done, r.async.done - 2, r.async.polls],
      [blockers, "sleep (timer)", r.timer.done, r.timer.done - 2, r.timer.polls],
    ]);
    const last = runs[runs.length - 1]!.r;
    return result(
      [
        table(
          `a 2 s sleep on one loop behind blockers (0.3 s per poll)${virtual}`,
          [
            "blockers",
            "sleep",
            col(`done at${virtual}`, "s", 2),
            col(`overshoot${virtual}`, "s", 2),
            col("polls", undefined, undefined, "min"),
          ],
          rows,
        ),
        timeline(
          last.rt,
          `one loop, 4 blockers${virtual}: the sleeps' polls take no time, so a ` +
            `sleep is checked only between blocking polls`,
        ),
        {
          kind: "book",
          rows: [
            {
              label: "AsyncSleep, long queue",
              book: "may overshoot (L2043-2049)",
              ours: `${(last.async.done - 2).toFixed(2)} s late, ${last.async.polls} polls`,
              note: `timer sleep: ${(last.timer.done - 2).toFixed(2)} s late, ${last.timer.polls} polls`,
            },
          ],
        },
        {
          kind: "notice",
          lines: asyncSleepNotices(
            runs.map(({ blockers, r }) => ({
              blockers,
              asyncPolls: r.async.polls,
              timerPolls: r.timer.polls,
              asyncLate: r.async.done - 2,
              timerLate: r.timer.done - 2,
            })),
          ),
        },
      ],
      last.rt,
    );
  },
};

/** The E3.2 lines, computed from the runs: who overshot, and what each sleep cost in polls. */
export function asyncSleepNotices(
  runs: readonly { blockers: number; asyncPolls: number; timerPolls: number; asyncLate: number; timerLate: number }[],
): string[] {
  const late = runs.filter((r) => r.asyncLate > 0.001);
  const morePolls = runs.every((r) => r.asyncPolls > r.timerPolls);
  const maxA = Math.max(...runs.map((r) => r.asyncPolls));
  const maxT = Math.max(...runs.map((r) => r.timerPolls));
  return [
    late.length > 0
      ? `AsyncSleep overshot in ${late.length} of ${runs.length} runs (up to ` +
        `${Math.max(...late.map((r) => r.asyncLate)).toFixed(2)} s): it can ` +
        `only notice it is due when the loop comes back to it, after the ` +
        `blockers ahead of it.`
      : "AsyncSleep never overshot here: the loop always came back to it right at the deadline.",
    morePolls
      ? `Waiting costs it a poll every lap of the queue (up to ${maxA}), where ` +
        `the timer sleep is polled ${maxT === 2 ? "twice" : `${maxT} times`} — ` +
        `to register, and when the timer fires.`
      : `AsyncSleep did not need more polls than the timer sleep in every run ` +
        `(${runs.map((r) => `${r.asyncPolls} vs ${r.timerPolls}`).join(", ")}).`,
    "The timer sleep overshoots too: a timer only makes a task runnable, " +
      "and a blocked loop polls it when the blocking poll ends.",
  ];
}
