/** lab ch3 and lab compare: the experiments run, measure, and export valid traces. */
import { describe, expect, it } from "vitest";
import { ch3 } from "../src/labs/ch3/index.js";
import { compare, compareParams, runStrategy } from "../src/labs/compare.js";
import type { LabOptions, TableBlock, TextBlock } from "../src/labs/types.js";

const options = (extra: LabOptions["extra"] = {}, driver: "sim" | "live" = "sim"): LabOptions => ({
  seed: 1,
  timeScale: 0.01,
  driver,
  extra,
  log: () => {},
  signal: new AbortController().signal,
});

describe("lab ch3", () => {
  it("every experiment returns a timeline, a table or printout, and a valid trace", async () => {
    for (const e of ch3.experiments) {
      const r = await e.run(options());
      const kinds = r.blocks.map((b) => b.kind);
      expect(kinds, e.id).toContain("timeline");
      expect(
        kinds.some((k) => k === "table" || k === "text"),
        e.id,
      ).toBe(true);
      expect(kinds, e.id).toContain("notice");
      const trace = r.trace as { traceEvents: Record<string, unknown>[] };
      expect(trace.traceEvents.length).toBeGreaterThan(0);
      expect(e.recordsTrace, `${e.id} must declare the trace it records (the CLI's --trace check reads it)`).toBe(true);
      for (const ev of trace.traceEvents)
        for (const key of ["ph", "ts", "pid", "tid"]) expect(ev, `${e.id} ${key}`).toHaveProperty(key);
      JSON.parse(JSON.stringify(trace));
    }
  });

  it("basic-queue reproduces the book's printout order", async () => {
    const r = await ch3.experiments[0]!.run(options());
    const lines = (r.blocks[0] as TextBlock).lines.map((l) => l.replace(/^\[[^\]]*\] /, ""));
    expect(lines.slice(0, 8)).toEqual([
      "Here is the queue count: 1",
      "Here is the queue count: 2",
      "Here is the queue count: 3",
      "runnable accepted",
      "polling with result: 1",
      "runnable accepted",
      "polling with result: 1",
      "runnable accepted",
    ]);
    expect(lines.filter((l) => l === "async fn")).toHaveLength(4);
    expect(lines.slice(-4)).toEqual([
      "runnable accepted",
      "polling with result: 3",
      "runnable accepted",
      "polling with result: 3",
    ]);
  });

  it("stealing triples the only-low throughput of 2 high + 1 low loops", async () => {
    const r = await ch3.experiments.find((e) => e.id === "stealing")!.run(options());
    const table = r.blocks[0] as TableBlock;
    expect(table.rows.map((row) => row[1])).toEqual([18, 6]);
  });

  it("runs on the live driver too: same prints, same polls, real (scaled) time", async () => {
    const live = { ...options({}, "live"), timeScale: 0.001 };
    const r = await ch3.experiments[0]!.run(live);
    const lines = (r.blocks[0] as TextBlock).lines.map((l) => l.replace(/^\[[^\]]*\] /, ""));
    expect(lines.filter((l) => l === "async fn")).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith("polling with result"))).toEqual([
      "polling with result: 1",
      "polling with result: 1",
      "polling with result: 2",
      "polling with result: 2",
      "polling with result: 3",
      "polling with result: 3",
    ]);
    expect((r.blocks[2] as TableBlock).rows).toEqual([
      ["1-counter", 3, true],
      ["2-counter", 3, true],
      ["async-fns", 1, true],
    ]);
    expect(r.blocks.at(-1)).toMatchObject({ kind: "notice", lines: [expect.stringMatching(/^Driver live/)] });
  });
});

describe("lab compare", () => {
  it("validates its options, naming the valid values", () => {
    expect(() => compareParams({ workload: "nope" })).toThrow(
      '--workload: unknown workload "nope" (valid: uniform, skewed, mixed-priority, spawn-storm, io-bound)',
    );
    expect(() => compareParams({ strategies: "fifo,lottery" })).toThrow(
      /unknown strategy "lottery" \(valid: fifo, priority, priority-steal, work-stealing, aging\)/,
    );
    expect(() => compareParams({ workers: "0" })).toThrow(/--workers: expected an integer from 1/);
    expect(() => compareParams({ tasks: "1.5" })).toThrow(/--tasks: expected an integer/);
    expect(compareParams({})).toEqual({
      workload: "mixed-priority",
      strategies: ["fifo", "priority", "priority-steal", "work-stealing", "aging"],
      workers: 8,
      tasks: 100000,
    });
  });

  it("mixed-priority: priority cuts high p99 ≥ 5× vs fifo, stealing shortens the makespan vs priority", () => {
    const params = compareParams({ tasks: "4000", workers: "8" });
    const [fifo, priority, steal, ws] = (["fifo", "priority", "priority-steal", "work-stealing"] as const).map((s) =>
      runStrategy(s, params, 1),
    );
    const p99 = (r: typeof fifo) => r!.latency.find((l) => l.queue === "high")!.summary.p99;
    expect(p99(fifo) / p99(priority)).toBeGreaterThanOrEqual(5);
    expect(p99(fifo) / p99(steal)).toBeGreaterThanOrEqual(5);
    expect(steal!.makespanMs).toBeLessThan(priority!.makespanMs);
    expect(ws!.makespanMs).toBeLessThan(priority!.makespanMs);
    for (const r of [fifo, priority, steal, ws]) expect(r!.ended).toBe(4000);
  });

  it("the experiment returns one row per strategy, same seed same table", async () => {
    const extra = { workload: "spawn-storm", strategies: "fifo,work-stealing", tasks: "2000", workers: "4" };
    const a = await compare.experiments[0]!.run(options(extra));
    const b = await compare.experiments[0]!.run(options(extra));
    const table = a.blocks[0] as TableBlock;
    expect(table.rows.map((r) => r[0])).toEqual(["fifo", "work-stealing"]);
    expect(JSON.stringify(a.blocks)).toBe(JSON.stringify(b.blocks));
  });
});
