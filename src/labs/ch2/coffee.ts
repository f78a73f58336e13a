/**
 * E2.1 coffee and toast: the same three futures awaited in turn, joined, and joined with
 * an early yield in the mug — the book's 24 s and 18 s runs.
 */
import type { Block, Experiment } from "../types.js";
import { breakfastSequential, breakfastJoined, runKitchen } from "./kitchen.js";
import { bookMs } from "../book-time.js";

export const coffee: Experiment = {
  id: "coffee",
  book: "E2.1",
  title: "Coffee and toast: sequential, joined, joined with an early yield",
  summary: "blocking vs async steps; join only helps once every future has reached its first await",
  async run(opts) {
    const seq = await runKitchen(opts, (k) => breakfastSequential(k));
    const joined = await runKitchen(opts, (k) => breakfastJoined(k, false));
    const early = await runKitchen(opts, (k) => breakfastJoined(k, true));
    const scale = bookMs(opts, 1);
    const row = (name: string, book: number | null, r: { seconds: number }) => [
      name, book, r.seconds * scale, r.seconds, book === null ? null : r.seconds / book,
    ];
    const blocks: Block[] = [
      {
        kind: "table",
        title: "Time to breakfast (book seconds = our milliseconds ÷ scale)",
        columns: [
          { header: "variant" }, { header: "book", unit: "s", digits: 0 }, { header: "ours", unit: "ms", digits: 1 },
          { header: "ours in book time", unit: "s", digits: 2 }, { header: "ours ÷ book", unit: "×", digits: 3 },
        ],
        rows: [
          row("sequential: mug; coffee; toast", null, seq),
          row("join!(mug, coffee, toast)", 24, joined),
          row("join! with sleep(100 ms) first in mug", 18, early),
        ],
      },
      {
        kind: "book",
        rows: [
          { label: "join!", book: "It took: 24 seconds", ours: `It took: ${joined.seconds.toFixed(2)} book-seconds (${(joined.seconds * scale).toFixed(1)} ms)` },
          { label: "join! + early yield", book: "It took: 18 seconds", ours: `It took: ${early.seconds.toFixed(2)} book-seconds (${(early.seconds * scale).toFixed(1)} ms)` },
          { label: "ratio join / early yield", book: (24 / 18).toFixed(3), ours: (joined.seconds / early.seconds).toFixed(3) },
        ],
      },
      { kind: "text", title: "join! with the early yield — what happened, in book time", lines: early.lines },
      {
        kind: "notice",
        lines: [
          "Joined without the yield takes as long as the book's 24 s: the mug future blocks for 6 s before the kettle and toaster futures are even polled.",
          "One `sleep(100 ms)` at the top of the mug lets the kettle and toaster start their timers first: 18 s. (The book says it saved three seconds; it saved six.)",
          "Blocking steps (pouring, buttering) still run one at a time: a blocked thread runs nothing else.",
        ],
      },
    ];
    return { blocks };
  },
};
