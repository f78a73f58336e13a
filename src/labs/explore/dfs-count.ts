/**
 * `dfs` counts what combinatorics predicts. Three tasks of three steps each (a step is
 * the code between two awaits, so each task yields twice) interleave in
 * 9! / (3!·3!·3!) = 1,680 ways; exhaustive depth-first search must run exactly that
 * many schedules — no more (no duplicates), no fewer (no gaps). With a preemption
 * bound it runs fewer, and it finds bug 1 exhaustively (the index of the first failing
 * schedules it took; the fixed version passes every schedule within the bound).
 */
import { co, explore, yieldNow, type ExploreProgram } from "../../index.js";
import type { ExperimentResult, LabOptions } from "../types.js";
import { lostUpdate } from "./lost-update.js";

function factorial(n: number): number {
  return n <= 1 ? 1 : n * factorial(n - 1);
}

/**
 * The prediction, counted independently of the explorer: interleavings of `tasks`
 * tasks of `steps` steps with at most `bound` preemptions (a switch away from a task
 * that still had steps left), by recursion over (steps left per task, last task).
 */
export function predictedInterleavings(tasks: number, steps: number, bound: number): number {
  const memo = new Map<string, number>();
  const count = (left: number[], last: number, budget: number): number => {
    if (left.every((l) => l === 0)) return 1;
    const key = `${left.join(",")}|${last}|${budget}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let total = 0;
    for (let t = 0; t < left.length; t++) {
      if (left[t] === 0) continue;
      const preempts = last >= 0 && t !== last && left[last]! > 0;
      if (preempts && budget === 0) continue;
      const next = left.slice();
      next[t]!--;
      total += count(next, t, preempts ? budget - 1 : budget);
    }
    memo.set(key, total);
    return total;
  };
  return count(
    Array.from({ length: tasks }, () => steps),
    -1,
    bound,
  );
}

function grid(tasks: number, steps: number): ExploreProgram {
  return (rt) => {
    for (let t = 0; t < tasks; t++) {
      rt.spawn(
        co(function* () {
          for (let s = 1; s < steps; s++) yield* yieldNow();
        }),
        { name: String.fromCharCode(65 + t) },
      );
    }
  };
}

export async function runDfsCount(options: LabOptions): Promise<ExperimentResult> {
  const multinomial = factorial(9) / factorial(3) ** 3;
  const rows: (string | number | null)[][] = [];
  for (const bound of [Infinity, 2, 1, 0]) {
    if (options.signal.aborted) break;
    const r = explore(grid(3, 3), {
      strategy: "dfs",
      schedules: 1_000_000,
      ...(bound === Infinity ? {} : { preemptionBound: bound }),
    });
    const predicted = predictedInterleavings(3, 3, bound);
    rows.push([bound === Infinity ? "none" : bound, r.schedules, predicted, r.exhausted ? "yes" : "no"]);
    await Promise.resolve();
  }
  const first = explore(lostUpdate.buggy, { strategy: "dfs", schedules: 1_000_000 });
  const all = explore(lostUpdate.fixed, { strategy: "dfs", schedules: 1_000_000, preemptionBound: 2 });
  return {
    blocks: [
      {
        kind: "table",
        title: "dfs on 3 tasks × 3 steps (no partial-order or sleep-set reduction; bound = preemptions allowed)",
        columns: [
          { header: "preemption bound" },
          { header: "schedules enumerated" },
          { header: "predicted (counted by recursion)" },
          { header: "exhausted" },
        ],
        rows,
      },
      {
        kind: "notice",
        lines: [
          `Without a bound the prediction is the multinomial 9!/(3!·3!·3!) = ` +
            `${multinomial.toLocaleString("en-US")}: every order of 9 steps, 3 from ` +
            `each task.`,
        ],
      },
      {
        kind: "text",
        title: "bug 1 (lost update) under dfs",
        lines: [
          first.failure === null
            ? "dfs found no failure (unexpected)"
            : `first failing schedule: #${first.failure.schedule}, shrunk to ` +
              `${first.failure.replay} (${first.failure.preemptions} preemption)`,
          `the fixed version: ${all.schedules} schedules with ≤ 2 preemptions, ` +
            (all.failure === null ? "all pass" : `one fails: ${all.failure.message}`) +
            (all.exhausted ? " (exhausted)" : ""),
        ],
      },
    ],
  };
}
