/**
 * E3.5 task stealing: idle high loops steal low work — and the case where they should not.
 */
import { Runtime } from "../../index.js";
import type { Experiment } from "../types.js";
import { Rt, bookSecond, build, runOn, timeline, bookSeconds, result, reportRow, reportColumns, sixBlockers } from "./harness.js";
import { Blocker, NetworkTask } from "./book-futures.js";

export const stealing: Experiment = {
  id: "stealing",
  book: "E3.5",
  title: "Task stealing: idle loops take other queues' work",
  summary: "idle high loops steal low work; a CPU-heavy high queue should not be stolen by a network low loop",
  default: true,
  async run(opts) {
    const SECOND = bookSecond(opts);
    const rows: (string | number)[][] = [];
    let shown: Rt | null = null;
    for (const policy of ["priority", "priority-steal"]) {
      const rt = build(new Runtime().withHighNum(2).withLowNum(1).withPolicy(policy).withSeed(opts.seed).withTrace(), opts);
      sixBlockers(rt, SECOND);
      rows.push(reportRow(`6 low tasks, ${policy}`, await runOn(rt), SECOND));
      if (policy === "priority-steal") shown = rt;
    }
    // The warning (L2371-2376): high = CPU-heavy jobs, low = a network loop that must answer fast.
    const warnRows: (string | number)[][] = [];
    for (const policy of ["priority", "priority-steal"]) {
      const rt = build(new Runtime().withHighNum(2).withLowNum(1).withPolicy(policy).withSeed(opts.seed), opts);
      for (let i = 0; i < 12; i++) rt.spawn(new Blocker(`cpu-${i}`, SECOND, 2, true), { priority: "high" });
      const lateness: number[] = [];
      for (let i = 0; i < 4; i++) rt.spawn(new NetworkTask(20, (0.15 + 0.037 * i) * SECOND, 0.005 * SECOND, lateness), { priority: "low" });
      const r = await runOn(rt);
      lateness.sort((a, b) => a - b);
      const bookMs = (ms: number) => (ms / SECOND) * 1000;
      warnRows.push([policy, bookSeconds(r.makespanMs, SECOND), bookMs(lateness[Math.floor(lateness.length / 2)]!), bookMs(lateness[lateness.length - 1]!), r.steals]);
    }
    return result(
      [
        { kind: "table", title: "only-low load on high × 2 + low × 1", columns: reportColumns, rows },
        timeline(shown!, "priority-steal: the high loops take low work"),
        {
          kind: "table",
          title: "CPU-heavy high queue + network-light low queue",
          columns: [
            { header: "policy" },
            { header: "CPU makespan (book s)", unit: "s", digits: 1, best: "min" },
            { header: "network p50 lateness (book ms)", unit: "ms", digits: 1, best: "min" },
            { header: "network max lateness (book ms)", unit: "ms", digits: 1, best: "min" },
            { header: "steals" },
          ],
          rows: warnRows,
        },
        {
          kind: "notice",
          lines: [
            "A loop whose own queue is empty tries the other queue before parking: only-low work now uses all three loops.",
            "The book's loops sleep 100 ms when both queues are empty; ours park and are unparked by the next spawn or wake.",
            "When the low loop steals a 1 s CPU job, a packet that arrives meanwhile waits for it: stealing shortens the CPU makespan but makes the network queue late (L2371-2376, L2631-2637).",
          ],
        },
      ],
      shown!,
    );
  },
};
