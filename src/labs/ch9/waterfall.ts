/**
 * E9.2: waterfall and branching — each step starts after the previous one succeeded;
 * the first error ends the chain.
 */
import { VirtualRuntime, ready, waterfall } from "../../index.js";
import type { ExperimentResult } from "../types.js";
import { fail } from "./fail.js";

export async function waterfallExperiment(): Promise<ExperimentResult> {
  const rt = new VirtualRuntime();
  const chain = rt.runToCompletion(
    rt.spawn(
      waterfall<string>(
        () => ready("Task 1 completed"),
        (s) => ready(`${String(s)} then Task 2 completed`),
        (s) => ready(`${String(s)} and finally Task 3 completed`),
      ),
    ),
  );
  const branch = (n: number): string =>
    rt.runToCompletion(
      rt.spawn(
        waterfall<string>(
          () => ready(n),
          (x) => ((x as number) > 10 ? ready(`${n} > 10 → task2`) : ready(`${n} ≤ 10 → task3`)),
        ),
      ),
    );
  let stopped = "";
  try {
    rt.runToCompletion(
      rt.spawn(
        waterfall(
          () => ready(1),
          () => fail("task 2 failed"),
          () => ready("never created"),
        ),
      ),
    );
  } catch (e) {
    stopped = `Error: ${(e as Error).message} (task 3 never started)`;
  }
  return {
    blocks: [
      { kind: "text", title: "waterfall", lines: [chain, "branching:", branch(42), branch(7), stopped] },
      {
        kind: "notice",
        lines: ["Each step starts only after the previous one succeeded; the first error ends the chain (Rust's `?`)."],
      },
    ],
  };
}
