/** The actor labs of issue 15 §4 run, exit by themselves and report what they measured. */
import { describe, expect, it } from "vitest";
import { remoteStore } from "../src/labs/ch8/remote-lab.js";
import type { LabOptions } from "../src/labs/types.js";

const options = (): LabOptions => ({ seed: 1, timeScale: 0.01, driver: "live", extra: {}, log: () => {}, signal: new AbortController().signal });

describe("lab ch8 remote", () => {
  it("runs set/get/delete across processes, fails pending asks on SIGKILL, restarts and reloads from the log", async () => {
    const result = await remoteStore(options());
    const text = result.blocks.find((b) => b.kind === "text") as { lines: string[] };
    expect(text.lines).toEqual(['value: Some("world")', "value: None", 'after restart: value: Some("again")']);
    const timeline = result.blocks.find((b) => b.kind === "table") as { rows: [number, string][] };
    const events = timeline.rows.map((r) => r[1]);
    expect(events.filter((e) => e.startsWith("key-value process started"))).toHaveLength(2);
    expect(events.some((e) => /3 pending asks failed: ConnectionClosed, ConnectionClosed, ConnectionClosed/.test(e))).toBe(true);
    const times = timeline.rows.map((r) => r[0]);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  }, 60_000);
});
