import { describe, expect, it } from "vitest";
import { ch6 } from "../src/labs/ch6/index.js";
import { ch9 } from "../src/labs/ch9/index.js";
import type { LabOptions, TextBlock } from "../src/labs/types.js";

const opts = (extra: LabOptions["extra"] = {}): LabOptions => ({
  seed: 1,
  timeScale: 0.01,
  driver: "sim",
  extra,
  log: () => {},
  signal: new AbortController().signal,
});
const text = async (ch: typeof ch6, id: string, extra?: LabOptions["extra"]) => {
  const r = await ch.experiments.find((e) => e.id === id)!.run(opts(extra));
  return (r.blocks.find((b) => b.kind === "text") as TextBlock).lines;
};

describe("lab printouts", () => {
  it("E9.1 isolated module: the book's main over a runtime in a worker", async () => {
    const r = await ch9.experiments.find((e) => e.id === "isolated")!.run(opts());
    const [printout, errors] = r.blocks.filter((b) => b.kind === "text") as TextBlock[];
    const lines = printout!.lines;
    expect(lines).toHaveLength(6);
    // Each thread's own lines are in program order; only their interleaving may vary.
    expect(lines.filter((l) => !l.includes("async_add"))).toEqual([
      "Hello, world!",
      expect.stringMatching(/^id: [0-9a-f-]{36}$/),
      "main sleep done",
      "result: 3",
    ]);
    expect(lines.filter((l) => l.includes("async_add"))).toEqual(["starting async_add", "finished async_add"]);
    expect(lines[0]).toBe("Hello, world!");
    expect(errors!.lines).toEqual([
      'add_handler(None, None, None): Err("either a or b need to be provided or handle_id")',
      'get_add(same id again): Err("No handle found")',
    ]);
    const table = r.blocks.find((b) => b.kind === "table") as { rows: (number | string)[][] };
    expect(table.rows.map((row) => [row[0], row[4]])).toEqual([
      [1, "yes"],
      [10, "yes"],
      [100, "yes"],
    ]);
  });
  it("E9.4 state machine", async () => {
    expect(await text(ch9, "state-machine")).toEqual([
      "Transitioning to the Off state",
      "Transitioning to the On state",
      "No transition possible, staying in the current state",
      "State machine is in the On state",
    ]);
  });
  it("E9.6 circuit breaker", async () => {
    expect(await text(ch9, "breaker")).toEqual([
      "passing task running",
      "error task running",
      "error task running",
      "error task running",
      "opening circuit",
      'Error: "Circuit Open"',
    ]);
  });
  it("E9.3 decorator: logging on and off both shown by default; only the on build logs", async () => {
    const r = await ch9.experiments.find((e) => e.id === "decorator")!.run(opts());
    const block = (prefix: string) =>
      (r.blocks.find((b) => b.kind === "text" && b.title!.startsWith(prefix)) as TextBlock).lines;
    expect(block("logging on")).toContain("Polling the future!");
    expect(block("logging off")).not.toContain("Polling the future!");
  });
  it("E6.4 the book's bus run", async () => {
    expect(await text(ch6, "event-bus")).toEqual([
      "id: 0 value: 1",
      "id: 1 value: 1",
      "id: 0 value: 2",
      "id: 1 value: 2",
      "id: 0 value: 3",
      "id: 1 value: 3",
      "{1: [], 0: []}",
      "{}",
    ]);
  });
});
