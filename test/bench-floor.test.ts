import { describe, expect, it } from "vitest";
import { benchTable } from "../bin/render/bench.js";
import { FloorExecutor, PARK } from "../bench/executor-floor.js";
import { measureCpuPerOp } from "../bench/harness.js";

describe("bench executor: the floor executor", () => {
  it("runs every spawned generator to the end, round-robin, and resumes a parked root when released", () => {
    const ex = new FloorExecutor();
    const order: string[] = [];
    let remaining = 3;
    function* worker(name: string, yields: number): Generator<unknown, void, unknown> {
      for (let i = 0; i < yields; i++) {
        order.push(`${name}${i}`);
        yield undefined;
      }
      if (--remaining === 0) ex.release();
    }
    function* root(): Generator<unknown, void, unknown> {
      ex.spawn(worker("a", 2));
      ex.spawn(worker("b", 1));
      ex.spawn(worker("c", 0));
      yield PARK;
      order.push("root resumed");
    }
    ex.spawn(root());
    ex.run();
    expect(order).toEqual(["a0", "b0", "a1", "root resumed"]);
  });

  it("grows its ring past the initial capacity without losing or repeating a task", () => {
    const ex = new FloorExecutor();
    const seen = new Array<number>(5000).fill(0);
    function* task(i: number): Generator<unknown, void, unknown> {
      seen[i]!++;
      yield undefined;
      seen[i]!++;
    }
    for (let i = 0; i < 5000; i++) ex.spawn(task(i));
    ex.run();
    expect(seen.every((n) => n === 2)).toBe(true);
  });
});

describe("bench table: floor and CPU ratios", () => {
  it("adds a vs-floor column and takes a CPU ratio where rows carry CPU time", () => {
    const table = benchTable("executor", [
      { case: "spawn_many", subject: "async-lab", opsPerSec: 80, rme: 1 },
      { case: "spawn_many", subject: "native", opsPerSec: 100, rme: 1 },
      { case: "spawn_many", subject: "floor", opsPerSec: 200, rme: 1 },
      { case: "timers", subject: "async-lab", opsPerSec: 50, rme: 1, cpuMsPerOp: 4 },
      { case: "timers", subject: "native", opsPerSec: 50, rme: 1, cpuMsPerOp: 5 },
    ]);
    expect(table.columns.map((c) => c.header)).toContain("vs floor");
    expect(table.rows[0]).toEqual(expect.arrayContaining(["0.80×", "0.40×"]));
    expect(table.rows[2]).toContain("1.00× (floor)");
    expect(table.rows[3]).toContain("1.25× CPU");
  });

  it("measures CPU per iteration: a contender that burns more CPU gets the larger figure", async () => {
    const spin = (ms: number) => () => {
      const end = process.cpuUsage().user / 1000 + ms;
      while (process.cpuUsage().user / 1000 < end) {
        /* burn CPU */
      }
    };
    const [light, heavy] = await measureCpuPerOp(
      "spin",
      [
        { subject: "light", fn: spin(1) },
        { subject: "heavy", fn: spin(8) },
      ],
      { time: 600, log: () => {} },
    );
    expect(heavy!).toBeGreaterThan(light! * 2);
  });
});
