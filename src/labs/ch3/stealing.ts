/**
 * E3.5 task stealing: idle high loops steal low work — and the case where they should not.
 */
import { Runtime } from "../../index.js";
import type { Experiment } from "../types.js";
import {
  type Rt,
  bookSecond,
  build,
  runOn,
  timeline,
  bookSeconds,
  result,
  reportRow,
  reportColumns,
  sixBlockers,
  virtual,
} from "./harness.js";
import { Blocker, NetworkTask } from "./book-futures.js";

export const stealing: Experiment = {
  usesDriver: true,
  recordsTrace: true,
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
      const rt = build(
        new Runtime().withHighNum(2).withLowNum(1).withPolicy(policy).withSeed(opts.seed).withTrace(),
        opts,
      );
      sixBlockers(rt, SECOND);
      rows.push(reportRow(`6 low tasks, ${policy}`, await runOn(rt), SECOND));
      if (policy === "priority-steal") shown = rt;
    }
    // The book's lazy queues (L2363-2367): a queue's loops start when its first task arrives.
    const lazyRows: (string | number)[][] = [];
    if (opts.extra.lazyQueues === true) {
      // Only low work was ever spawned, so the high queue's loops were never started: none to steal.
      const neverStarted = build(
        new Runtime().withHighNum(0).withLowNum(1).withPolicy("priority-steal").withSeed(opts.seed),
        opts,
      );
      sixBlockers(neverStarted, SECOND);
      lazyRows.push(reportRow("lazy: high loops never started (no high task yet)", await runOn(neverStarted), SECOND));
      // E3.8's fix: run() spawns an empty task on each queue, so every loop starts and can steal.
      const started = build(
        new Runtime().withHighNum(2).withLowNum(1).withPolicy("priority-steal").withSeed(opts.seed),
        opts,
      );
      started.spawn({ poll: () => undefined }, { priority: "high", name: "empty high task" });
      sixBlockers(started, SECOND);
      lazyRows.push(reportRow("lazy + an empty high task first (E3.8's run())", await runOn(started), SECOND));
    }
    // The warning (L2371-2376): high = CPU-heavy jobs, low = a network loop that must answer fast.
    const warnRows: (string | number)[][] = [];
    for (const policy of ["priority", "priority-steal"]) {
      const rt = build(new Runtime().withHighNum(2).withLowNum(1).withPolicy(policy).withSeed(opts.seed), opts);
      for (let i = 0; i < 12; i++) rt.spawn(new Blocker(`cpu-${i}`, SECOND, 2, true), { priority: "high" });
      const lateness: number[] = [];
      for (let i = 0; i < 4; i++)
        rt.spawn(new NetworkTask(20, (0.15 + 0.037 * i) * SECOND, 0.005 * SECOND, lateness), { priority: "low" });
      const r = await runOn(rt);
      lateness.sort((a, b) => a - b);
      const bookMs = (ms: number) => (ms / SECOND) * 1000;
      warnRows.push([
        policy,
        bookSeconds(r.makespanMs, SECOND),
        bookMs(lateness[Math.floor(lateness.length / 2)]!),
        bookMs(lateness[lateness.length - 1]!),
        r.steals,
      ]);
    }
    return result(
      [
        {
          kind: "table",
          title: `only-low load on high × 2 + low × 1${virtual(opts)}`,
          columns: reportColumns(opts),
          rows,
        },
        ...(lazyRows.length === 0
          ? []
          : [
              {
                kind: "table" as const,
                title: "--lazy-queues: loops start with their queue's first task (the book's lazy statics)",
                columns: reportColumns(opts),
                rows: lazyRows,
              },
              { kind: "notice" as const, lines: [lazyNotice(lazyRows.map((r) => [r[1] as number, r[3] as number]))] },
            ]),
        timeline(shown!, "Figure 3-2 (book): task stealing — with priority-steal the high loops take low work"),
        {
          kind: "table",
          title: "CPU-heavy high queue + network-light low queue",
          columns: [
            { header: "policy" },
            { header: `CPU makespan (book s)${virtual(opts)}`, unit: "s", digits: 1, best: "min" },
            { header: `network p50 lateness (book ms)${virtual(opts)}`, unit: "ms", digits: 1, best: "min" },
            { header: `network max lateness (book ms)${virtual(opts)}`, unit: "ms", digits: 1, best: "min" },
            { header: "steals" },
          ],
          rows: warnRows,
        },
        {
          kind: "notice",
          lines: [
            "A loop whose own queue is empty tries the other queue before parking: " +
              "only-low work now uses all three loops.",
            "The book's loops sleep 100 ms when both queues are empty; ours park " +
              "and are unparked by the next spawn or wake.",
            "When the low loop steals a 1 s CPU job, a packet that arrives " +
              "meanwhile waits for it: stealing shortens the CPU makespan but makes " +
              "the network queue late (L2371-2376, L2631-2637).",
          ],
        },
      ],
      shown!,
    );
  },
};

/** The lazy-queue warning, computed: [makespan, steals] for never-started, then started high loops. */
export function lazyNotice(rows: readonly (readonly [makespan: number, steals: number])[]): string {
  const [lazy, started] = rows;
  if (lazy === undefined || started === undefined) return "";
  return lazy[1] === 0 && started[0] < lazy[0]
    ? `The book's warning holds: high loops that never started stole nothing ` +
        `(0 steals, ${lazy[0].toFixed(1)} s); one empty high task starts them, ` +
        `and they steal (${started[1]} steals, ${started[0].toFixed(1)} s).`
    : `Here the lazy run stole ${lazy[1]} times in ${lazy[0].toFixed(1)} s ` +
        `against ${started[1]} in ${started[0].toFixed(1)} s once started — not ` +
        `the book's warning.`;
}
