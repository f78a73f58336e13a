/**
 * `dfs` counts what combinatorics predicts. Three tasks of three steps each (a step is
 * the code between two awaits, so each task yields twice) interleave in
 * 9! / (3!·3!·3!) = 1,680 ways; exhaustive depth-first search must run exactly that
 * many schedules — no more (no duplicates), no fewer (no gaps). With a preemption
 * bound it runs fewer, and it finds bug 1 exhaustively (the index of the first failing
 * schedules it took; the fixed version passes every schedule within the bound).
 */
import { co, explore, yieldNow, type ExperimentResult, type ExploreProgram, type LabOptions } from "../../index.js";
import { lostUpdate } from "./lost-update.js";

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

function grid(tasks: number, steps: number): ExploreProgram {
  return (rt) => {
    for (let t = 0; t < tasks; t++) {
      rt.spawn(co(function* () {
        for (let s = 1; s < steps; s++) yield* yieldNow();
      }), { name: String.fromCharCode(65 + t) });
    }
  };
}

export async function runDfsCount(options: LabOptions): Promise<ExperimentResult> {
  const predicted = factorial(9) / factorial(3) ** 3;
  const rows: (string | number | null)[][] = [];
  for (const bound of [Infinity, 2, 1, 0]) {
    if (options.signal.aborted) break;
    const r = explore(grid(3, 3), { strategy: "dfs", schedules: 1_000_000, ...(bound === Infinity ? {} : { preemptionBound: bound }) });
    rows.push([bound === Infinity ? "none" : bound, r.schedules, bound === Infinity ? predicted : null, r.exhausted ? "yes" : "no"]);
    await Promise.resolve();
  }
  const first = explore(lostUpdate.buggy, { strategy: "dfs", schedules: 1_000_000 });
  const all = explore(lostUpdate.fixed, { strategy: "dfs", schedules: 1_000_000, preemptionBound: 2 });
  return {
    blocks: [
      {
        kind: "table",
        title: "dfs on 3 tasks × 3 steps (no partial-order or sleep-set reduction; bound = preemptions allowed)",
        columns: [{ header: "preemption bound" }, { header: "schedules enumerated" }, { header: "predicted 9!/(3!·3!·3!)" }, { header: "exhausted" }],
        rows,
      },
      {
        kind: "text",
        title: "bug 1 (lost update) under dfs",
        lines: [
          first.failure === null ? "dfs found no failure (unexpected)" : `first failing schedule: #${first.failure.schedule}, shrunk to ${first.failure.replay} (${first.failure.preemptions} preemption)`,
          `the fixed version: ${all.schedules} schedules with ≤ 2 preemptions, ${all.failure === null ? "all pass" : `one fails: ${all.failure.message}`}${all.exhausted ? " (exhausted)" : ""}`,
        ],
      },
    ],
  };
}
