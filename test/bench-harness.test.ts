/**
 * The bench harness's arithmetic and its round structure (no timing asserted: only
 * what the figures are computed from).
 */
import { describe, expect, it } from "vitest";
import { measureCase, throughputOf, warmAfterSettle } from "../bench/harness.js";

describe("throughputOf", () => {
  it("is iterations over the time they took, with a 95 % relative margin", () => {
    const { mean, rme } = throughputOf([1, 3]); // 2 iterations in 4 ms → 500 per second
    expect(mean).toBe(500);
    const sd = Math.sqrt(((1 - 2) ** 2 + (3 - 2) ** 2) / 1);
    expect(rme).toBeCloseTo(((1.96 * sd) / Math.sqrt(2) / 2) * 100, 10);
  });
  it("charges slow iterations fully (not the mean of per-iteration rates)", () => {
    // Nine 1 ms iterations and one 91 ms pause: 10 iterations in 100 ms = 100/s.
    // The mean of per-iteration rates would say (9 × 1000 + 1000/91) / 10 ≈ 901/s.
    expect(throughputOf([1, 1, 1, 1, 1, 1, 1, 1, 1, 91]).mean).toBeCloseTo(100, 10);
  });
  it("has no margin for identical samples or a single one, and no figure for none", () => {
    expect(throughputOf([4, 4, 4])).toEqual({ mean: 250, rme: 0 });
    expect(throughputOf([8])).toEqual({ mean: 125, rme: 0 });
    expect(throughputOf([])).toEqual({ mean: 0, rme: 0 });
  });
});

describe("measureCase", () => {
  it("measures every contender in alternating rounds and pools the samples", async () => {
    const order: string[] = [];
    const logged: string[] = [];
    const rows = await measureCase(
      "case",
      [
        { subject: "a", fn: () => void order.push("a") },
        { subject: "b", fn: () => void order.push("b") },
      ],
      { time: 3, log: (line) => logged.push(line) },
    );
    expect(rows.map((r) => [r.case, r.subject])).toEqual([
      ["case", "a"],
      ["case", "b"],
    ]);
    for (const r of rows) {
      expect(r.samples).toBeGreaterThanOrEqual(6); // at least 2 iterations in each of 3 rounds
      expect(r.opsPerSec).toBeGreaterThan(0);
    }
    // Alternating: "b" ran before the last run of "a" (not all of a, then all of b).
    expect(order.indexOf("b")).toBeLessThan(order.lastIndexOf("a"));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^ {2}case · a: [\d.]+ ops\/s ±[\d.]+%$/);
  });
  it("fails with the case and subject named when a contender throws", async () => {
    await expect(
      measureCase(
        "boom",
        [
          {
            subject: "x",
            fn: () => {
              throw new Error("nope");
            },
          },
        ],
        { time: 3, log: () => {} },
      ),
    ).rejects.toThrow(/bench boom\/x failed/);
  });
});

describe("warmAfterSettle (the untimed iterations after each turn's collection)", () => {
  it("runs a quick contender 12 times, each prepared by its beforeEach", async () => {
    const log: string[] = [];
    await warmAfterSettle({ subject: "a", fn: () => void log.push("fn"), beforeEach: () => void log.push("prep") });
    expect(log).toEqual(Array.from({ length: 12 }, () => ["prep", "fn"]).flat());
  });
  it("stops a slow contender after 60 ms, but never before 2 iterations", async () => {
    let calls = 0;
    const busy = (ms: number) => () => {
      calls++;
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    await warmAfterSettle({ subject: "slow", fn: busy(15) });
    // On an idle machine the runs end at 15, 30, 45, 60 ms: the fourth starts at 45, the fifth
    // would at 60. Each takes at least 15 ms however busy the machine is, so never more than 4;
    // a preempted run can take longer, so fewer is allowed (but not fewer than the 2 guaranteed).
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(4);
    calls = 0;
    await warmAfterSettle({ subject: "slower", fn: busy(80) });
    expect(calls).toBe(2);
  });
});
