/**
 * E3.4 / E3.6 priority queues: high × 2 + low × 1 loops; spawn defaults to low.
 */
import { Runtime } from "../../index.js";
import type { Experiment } from "../types.js";
import {
  type Rt,
  bookSecond,
  build,
  runOn,
  timeline,
  result,
  reportRow,
  reportColumns,
  sixBlockers,
} from "./harness.js";
import { Blocker } from "./book-futures.js";

export const priorityQueues: Experiment = {
  usesDriver: true,
  recordsTrace: true,
  id: "priority",
  book: "E3.4, E3.6",
  title: "High and low queues: 2 + 1 loops, spawn(f, { priority })",
  summary: "only-low load uses 1/3 of the loops; spawn defaults to low",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const make = () =>
      build(new Runtime().withHighNum(2).withLowNum(1).withPolicy("priority").withSeed(opts.seed).withTrace(), opts);
    const onlyLow = make();
    sixBlockers(onlyLow, SECOND); // no priority given: low, as spawn_task! defaults
    const lowReport = await runOn(onlyLow);
    const mixed = make();
    for (let i = 0; i < 6; i++)
      mixed.spawn(new Blocker(`t${i}`, SECOND, 3), {
        name: `${i}-${i % 2 ? "high" : "low"}`,
        priority: i % 2 ? "high" : "low",
      });
    const mixedReport = await runOn(mixed);
    const perQueue = (rt: Rt, q: number) =>
      rt.trace!.events.filter((e) => e.kind === "poll-start" && rt.layout.homeQueue[e.worker] === q).length;
    return result(
      [
        {
          kind: "table",
          title: "high × 2 + low × 1 loops, strict priority (no stealing)",
          columns: [...reportColumns(opts), { header: "polls on high loops" }, { header: "polls on low loop" }],
          rows: [
            [
              ...reportRow("6 low tasks (default priority)", lowReport, SECOND),
              perQueue(onlyLow, 0),
              perQueue(onlyLow, 1),
            ],
            [...reportRow("3 high + 3 low tasks", mixedReport, SECOND), perQueue(mixed, 0), perQueue(mixed, 1)],
          ],
        },
        timeline(onlyLow, "only low work: the two high loops sit idle"),
        {
          kind: "book",
          rows: [
            {
              label: "only-low load",
              book: "1/3 of capacity (L2277-2282)",
              ours: `${lowReport.utilisation.toFixed(0)} % utilisation`,
            },
          ],
        },
        {
          kind: "notice",
          lines: [
            "spawn(f) without a priority goes to low, like the book's spawn_task! " +
              "macro; spawn(f, { priority: 'high' }) to high.",
            "With only low work, the high loops have nothing they may take: one third of the runtime works.",
          ],
        },
      ],
      onlyLow,
    );
  },
};
