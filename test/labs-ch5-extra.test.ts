import { describe, expect, it } from "vitest";
import { ch5 } from "../src/labs/ch5/index.js";
import { externalControl } from "../src/labs/ch5/coroutines.js";
import { seededRandom } from "../src/runtime/rng.js";
import type { BookComparisonBlock, LabOptions, TableBlock } from "../src/labs/types.js";

function options(seed = 1): LabOptions {
  return {
    seed,
    timeScale: 0.01,
    driver: "sim",
    extra: {},
    log: () => undefined,
    signal: new AbortController().signal,
  };
}

describe("lab ch5 nesting-future (E5.8)", () => {
  it("forwards every task poll to the inner future, at any depth", async () => {
    const r = await ch5.experiments.find((e) => e.id === "nesting-future")!.run(options(7));
    const rows = r.blocks.find((b): b is TableBlock => b.kind === "table")!.rows;
    expect(rows[0]!.slice(1)).toEqual([4, 4, 4]); // Steps(3): 3 × PENDING, then ready
    expect(rows[1]!.slice(1)).toEqual([5, 5, "5 resumes"]); // 3 yields, the sleep's first poll, its wake
    expect(rows[2]!.slice(1)).toEqual([4, "4 (middle 4)", 4]);
    // The vector version applies E5.7's rules: same seed, same draws, same total and rounds.
    const e57 = externalControl(seededRandom(7), 10, 9);
    expect(rows[3]!.slice(1, 3)).toEqual([e57.rounds, e57.rounds]);
    expect(rows[3]![3]).toBe(`${e57.draws.length} child polls`);
    const book = r.blocks.find((b): b is BookComparisonBlock => b.kind === "book")!;
    expect(book.rows[1]!.ours).toContain(`Total: ${e57.total} in ${e57.rounds} polls`);
  });
});
