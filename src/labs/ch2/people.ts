/**
 * E2.2 people as tasks on one worker: a task is a series of futures; the blocking part
 * of each person's breakfast adds up, the waiting part overlaps.
 */
import { co, LiveRuntime } from "../../index.js";

import type { Cell, Experiment } from "../types.js";
import { newKitchen, breakfastSequential, breakfastJoined } from "./kitchen.js";

export const people: Experiment = {
  id: "people",
  book: "E2.2",
  title: "People as tasks on one worker: sequential steps vs joined steps",
  summary: "a task is a series of futures; two people sharing one thread",
  async run(opts) {
    const measure = async (n: number, joined: boolean) => {
      const { k, clock } = newKitchen(opts, true);
      const rt = new LiveRuntime();
      const handles = Array.from({ length: n }, () =>
        rt.spawn(joined ? breakfastJoined(k, true) : breakfastSequential(k)),
      );
      await rt.blockOn(
        co(function* () {
          for (const h of handles) yield* h;
        }),
      );
      return clock.bookSeconds();
    };
    const runs: [string, number, number][] = [
      ["2 people, steps in sequence", 40, await measure(2, false)],
      ["2 people, steps joined", 28, await measure(2, true)],
      ["3 people, steps joined", 42, await measure(3, true)],
    ];
    const rows: Cell[][] = runs.map(([name, book, ours]) => [name, book, ours, ours / book]);
    return {
      blocks: [
        {
          kind: "table",
          columns: [
            { header: "run" },
            { header: "book", unit: "s", digits: 0 },
            { header: "ours (book time)", unit: "s", digits: 2 },
            { header: "ours ÷ book", unit: "×", digits: 3 },
          ],
          rows,
        },
        {
          kind: "notice",
          lines: [
            "Each person blocks the single thread for 14 s (mug 6, pouring 3, " +
              "buttering 5); joining hides only the 10 s waits.",
            peopleNotice(rows.slice(1).map((r) => [r[0] === "3 people, steps joined" ? 3 : 2, r[2] as number])),
          ],
        },
      ],
    };
  },
};

/** The E2.2 line, from [people, book seconds] of the joined runs: 14 s of blocking each, waits overlapped. */
export function peopleNotice(runs: readonly (readonly [people: number, seconds: number])[]): string {
  const close = runs.every(([n, s]) => Math.abs(s - 14 * n) <= 0.15 * 14 * n);
  const shown = runs.map(([n, s]) => `${n} people: ${s.toFixed(1)} s`).join(", ");
  return close
    ? `So n people take about 14·n s once their waits overlap (${shown}) — the book's 28 s and 42 s.`
    : `n people should take about 14·n s once their waits overlap; here ${shown}: the machine was too busy to show it.`;
}
