/**
 * E3.3 the same blocking load on 1, 2 and 3 loops.
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

export const moreWorkers: Experiment = {
  usesDriver: true,
  recordsTrace: true,
  id: "more-workers",
  book: "E3.3",
  title: "More consuming loops on the same queue",
  summary: "the same blocking load on 1, 2 and 3 loops",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const rows: (string | number)[][] = [];
    let last: Rt | null = null;
    for (const n of [1, 2, 3]) {
      const rt = build(
        new Runtime()
          .withQueues([{ name: "queue", workers: n }])
          .withPolicy("fifo")
          .withSeed(opts.seed)
          .withTrace(),
        opts,
      );
      sixBlockers(rt, SECOND);
      rows.push(reportRow(`${n} loop${n > 1 ? "s" : ""}`, await runOn(rt), SECOND));
      last = rt;
    }
    return result(
      [
        { kind: "table", title: "6 tasks × 3 polls × 1 s blocking", columns: reportColumns(opts), rows },
        timeline(last!, "3 loops on one queue"),
        {
          kind: "notice",
          lines: [
            "Each loop is a consumer on the same queue (the book clones the receiver): the work divides between them.",
            "A blocking poll still holds its loop; with CPU-heavy tasks on every " +
              "loop, nothing is left to answer a request (L2189-2196).",
          ],
        },
      ],
      last!,
    );
  },
};
