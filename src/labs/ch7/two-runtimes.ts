/**
 * E7.2 two runtimes side by side (high with 2 workers, low with 1): no stealing across pools.
 */
import { ThreadPool } from "../../index.js";
import { calibrateCpuWork } from "../ch1/work.js";

import type { ExperimentResult, LabOptions } from "../types.js";
import { cores, task, startedPool } from "./pool-harness.js";

// ---------------------------------------------------------------- E7.2 two runtimes

export async function twoRuntimesExperiment(_opts: LabOptions): Promise<ExperimentResult> {
  const high = await startedPool({ workers: 2, name: "HIGH_PRIORITY" });
  const low = await startedPool({ workers: 1, name: "LOW_PRIORITY" });
  const amount = calibrateCpuWork(20);
  const run = async (pool: ThreadPool): Promise<{ ms: number; perWorker: number[]; steals: number }> => {
    const before = pool.stats();
    const t = performance.now();
    await Promise.all(Array.from({ length: 8 }, () => pool.submit(task("work", amount))));
    const ms = performance.now() - t;
    const after = pool.stats();
    return {
      ms,
      perWorker: after.map((s, i) => s.tasksRun - before[i]!.tasksRun),
      steals: after.reduce((n, s, i) => n + s.steals - before[i]!.steals, 0),
    };
  };
  const [h, l] = await Promise.all([run(high), run(low)]);
  await Promise.all([high.close(), low.close()]);
  return {
    blocks: [
      {
        kind: "table",
        title: "two pools side by side, 8 CPU tasks of ~20 ms each (fibonacci) submitted to each at once",
        columns: [
          { header: "runtime" },
          { header: "workers" },
          { header: "makespan", unit: "ms", digits: 0, best: "min" },
          { header: "tasks per worker" },
          { header: "steals inside it" },
        ],
        rows: [
          ["HIGH_PRIORITY", 2, h.ms, h.perWorker.join(" / "), h.steals],
          ["LOW_PRIORITY", 1, l.ms, l.perWorker.join(" / "), l.steals],
        ],
      },
      {
        kind: "book",
        rows: [
          {
            label: "layout",
            book: "HIGH_PRIORITY 2 workers, LOW_PRIORITY 1; no stealing across runtimes (L5259-5298)",
            ours: `high ${h.ms.toFixed(0)} ms on 2 workers, low ${l.ms.toFixed(0)} ms on 1`,
          },
        ],
      },
      {
        kind: "notice",
        lines: [
          "Each pool steals only among its own workers: the low pool's one worker " +
            "ran all its 8 tasks even while the high pool's workers were done and " +
            "idle.",
          `Three worker threads share this machine's ${cores} cores, so the pools ` +
            `also slow each other down — priority between runtimes is only as good ` +
            `as the OS scheduler's.`,
        ],
      },
    ],
  };
}
