/**
 * E3.8 the runtime builder: defaults (cores − 2 high, 1 low) and withHighNum / withLowNum.
 */
import { Runtime } from "../../index.js";
import type { Experiment } from "../types.js";
import { type Rt, bookSecond, build, runOn, timeline, bookSeconds, result } from "./harness.js";
import { Blocker } from "./book-futures.js";

export const builder: Experiment = {
  usesDriver: true,
  recordsTrace: true,
  id: "builder",
  book: "E3.8",
  title: "The runtime builder and its defaults",
  summary: "new Runtime() = cores − 2 high loops + 1 low; withLowNum(2).withHighNum(4)",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const configs: [string, Runtime][] = [
      ["new Runtime()", new Runtime()],
      ["new Runtime().withLowNum(2).withHighNum(4)", new Runtime().withLowNum(2).withHighNum(4)],
    ];
    const rows: (string | number)[][] = [];
    let last: Rt | null = null;
    for (const [label, b] of configs) {
      const rt = build(b.withSeed(opts.seed).withTrace(), opts);
      for (let i = 0; i < 12; i++)
        rt.spawn(new Blocker(`t${i}`, SECOND), {
          name: `${i.toString(36)}-task`,
          priority: i % 3 === 0 ? "high" : "low",
        });
      const r = await runOn(rt);
      const layout = b.layout;
      rows.push([label, layout[0]!.workers, layout[1]!.workers, bookSeconds(r.makespanMs, SECOND), r.steals]);
      last = rt;
    }
    return result(
      [
        {
          kind: "table",
          title: "12 one-second tasks (4 high, 8 low), priority-steal",
          columns: [
            { header: "runtime" },
            { header: "high loops" },
            { header: "low loops" },
            { header: "makespan", unit: "s", digits: 1, best: "min" },
            { header: "steals" },
          ],
          rows,
        },
        timeline(last!, "withLowNum(2).withHighNum(4)"),
        {
          kind: "notice",
          lines: [
            "Defaults follow the book: high = available parallelism − 2 (at least 1), low = 1.",
            "The book's run() spawns an empty task per queue so lazily-started " +
              "loops exist before stealing can happen; this runtime's loops exist " +
              "from construction, so the pitfall cannot occur.",
          ],
        },
      ],
      last!,
    );
  },
};
