/** The actor labs of issue 15 §4 run, exit by themselves and report what they measured. */
import { describe, expect, it } from "vitest";
import { remoteStore } from "../src/labs/ch8/remote-lab.js";
import type { LabOptions } from "../src/labs/types.js";

const options = (): LabOptions => ({
  seed: 1,
  timeScale: 0.01,
  driver: "live",
  extra: {},
  log: () => {},
  signal: new AbortController().signal,
});

describe("lab ch8 remote", () => {
  it(
    "runs set/get/delete across processes, fails pending asks on SIGKILL, " + "restarts and reloads from the log",
    async () => {
      const result = await remoteStore(options());
      const text = result.blocks.find((b) => b.kind === "text") as { lines: string[] };
      expect(text.lines).toEqual(['value: Some("world")', "value: None", 'after restart: value: Some("again")']);
      const timeline = result.blocks.find((b) => b.kind === "table") as unknown as { rows: [number, string][] };
      const events = timeline.rows.map((r) => r[1]);
      expect(events.filter((e) => e.startsWith("key-value process started"))).toHaveLength(2);
      expect(
        events.some((e) => /3 pending asks failed: ConnectionClosed, ConnectionClosed, ConnectionClosed/.test(e)),
      ).toBe(true);
      const times = timeline.rows.map((r) => r[0]);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    },
    60_000,
  );
});

describe("lab ch8 threads", () => {
  it("measures get latency for each placement of the key-value actor and its CPU-heavy neighbour", async () => {
    const { threadsLab } = await import("../src/labs/ch8/threads-lab.js");
    const result = await threadsLab({ ...options(), extra: { ms: "200" } });
    const table = result.blocks.find((b) => b.kind === "table") as { rows: (string | number)[][] };
    expect(table.rows.map((r) => `${r[0]} / ${r[1]}`)).toEqual([
      "kv on main / no neighbour",
      "kv on main / neighbour on main",
      "kv on main / neighbour on thread",
      "kv on thread / no neighbour",
      "kv on thread / neighbour on main",
      "kv on thread / neighbour on thread",
    ]);
    for (const r of table.rows) {
      expect(r[2]).toBe(100); // every get due was answered
      expect(r[3] as number).toBeGreaterThan(-1); // timer clocks may differ from performance.now by a fraction of a ms
      expect(r[5] as number).toBeGreaterThanOrEqual(r[4] as number);
    }
    // The neighbour on the main thread holds it in 20 ms slices: the counter sees them.
    expect(table.rows[1]![6] as number).toBeGreaterThan(0);
  }, 120_000);
});
