/**
 * E2.1 coffee and toast: the same three futures awaited in turn, joined (the book's
 * 24 s run, mug first), and joined with an early yield in the mug (the book's 18 s run)
 * — each joined run's printout in book time, and a timeline per future.
 */
import { bookMs } from "../book-time.js";
import { direction } from "../claims.js";
import { col, table } from "../table.js";
import type { Block, Experiment, TimelineBlock } from "../types.js";
import { breakfastSequential, breakfastJoined, runKitchen, type KitchenRun } from "./kitchen.js";

const DISHES = ["mug", "coffee", "toast"] as const;

/** One joined run drawn per future: blocking steps hold the thread, waits run on a timer. */
export function kitchenTimeline(title: string, run: KitchenRun): TimelineBlock {
  return {
    kind: "timeline",
    title,
    unit: "ms",
    workers: DISHES.map((d) => `${d} future`),
    // Book seconds ×1000 so the axis reads in book milliseconds (the renderer's unit).
    spans: run.steps.map((s) => ({
      worker: DISHES.indexOf(s.dish),
      from: s.from * 1000,
      to: s.to * 1000,
      label: s.kind === "blocking" ? "blocking: the thread is held" : "waiting: a timer will wake it",
    })),
  };
}

/** The E2.1 lines, computed from the two joined runs (book seconds). */
export function coffeeNotices(joinedS: number, earlyS: number): string[] {
  const saved = joinedS - earlyS;
  return [
    "Join order: our join polls its futures in argument order, as `join!(mug, coffee, toast)` lists them. " +
      "The mug has no await before its 6 s of blocking, so kettle and toaster are not even started until it is done.",
    direction(joinedS / earlyS, 0.1) === "more"
      ? `One sleep(100 ms) at the top of the mug lets kettle and toaster start ` +
        `their timers first: ${joinedS.toFixed(1)} s → ${earlyS.toFixed(1)} s, ` +
        `${saved.toFixed(1)} s saved (the book says three; its own 24 → 18 is ` +
        `six).`
      : `The early yield should have saved about 6 s, but here ` +
        `${joinedS.toFixed(1)} s → ${earlyS.toFixed(1)} s: the machine was too ` +
        `busy to show it.`,
    "Blocking steps (pouring, buttering) still run one at a time: a blocked " +
      "thread runs nothing else — see the rows never overlap where they say " +
      "'b'.",
  ];
}

export const coffee: Experiment = {
  id: "coffee",
  book: "E2.1",
  title: "Coffee and toast: sequential, joined (mug first: 24 s), joined with an early yield (18 s)",
  summary: "blocking vs async steps; join only helps once every future has reached its first await",
  async run(opts) {
    const seq = await runKitchen(opts, (k) => breakfastSequential(k));
    const joined = await runKitchen(opts, (k) => breakfastJoined(k, false));
    const early = await runKitchen(opts, (k) => breakfastJoined(k, true));
    const scale = bookMs(opts, 1);
    const row = (name: string, book: number | null, r: { seconds: number }) => [
      name,
      book,
      r.seconds * scale,
      r.seconds,
      book === null ? null : r.seconds / book,
    ];
    const blocks: Block[] = [
      table(
        "Time to breakfast (book seconds = our milliseconds ÷ scale)",
        [
          "variant",
          col("book", "s", 0),
          col("ours", "ms", 1),
          col("ours in book time", "s", 2),
          col("ours ÷ book", "×", 3),
        ],
        [
          row("sequential: mug; coffee; toast", null, seq),
          row("join!(mug, coffee, toast)", 24, joined),
          row("join! with sleep(100 ms) first in mug", 18, early),
        ],
      ),
      {
        kind: "book",
        rows: [
          {
            label: "join!",
            book: "It took: 24 seconds",
            ours: `It took: ${joined.seconds.toFixed(2)} book-seconds (${(joined.seconds * scale).toFixed(1)} ms)`,
          },
          {
            label: "join! + early yield",
            book: "It took: 18 seconds",
            ours: `It took: ${early.seconds.toFixed(2)} book-seconds (${(early.seconds * scale).toFixed(1)} ms)`,
          },
          {
            label: "ratio join / early yield",
            book: (24 / 18).toFixed(3),
            ours: (joined.seconds / early.seconds).toFixed(3),
          },
        ],
      },
      { kind: "text", title: "1. join!(mug, coffee, toast) — the book's 24 s run, in book time", lines: joined.lines },
      kitchenTimeline("1. join!, per future (book time): the mug blocks before the others start", joined),
      {
        kind: "text",
        title: "2. join! with sleep(100 ms) first in the mug — the book's 18 s run, in book time",
        lines: early.lines,
      },
      kitchenTimeline(
        "2. join! + early yield, per future (book time): kettle and toaster wait while the mug blocks",
        early,
      ),
      { kind: "notice", lines: coffeeNotices(joined.seconds, early.seconds) },
    ];
    return { blocks };
  },
};
