import { expect, it } from "vitest";
import { ch8 } from "../src/labs/ch8.js";
import type { LabOptions } from "../src/labs/types.js";

const opts = (extra: LabOptions["extra"] = {}): LabOptions => ({ seed: 1, timeScale: 0.01, driver: "live", extra, log: () => {}, signal: new AbortController().signal });
const run = (id: string, extra?: LabOptions["extra"]) => ch8.experiments.find((e) => e.id === id)!.run(opts(extra));

it("E8.1 basic actor prints Received/State for 0..9 and ends at 45", async () => {
  const r = await run("basic");
  const text = r.blocks.find((b) => b.kind === "text")!;
  expect(text.kind === "text" && text.lines.slice(0, 4)).toEqual(["Received: 0", "State: 0", "Received: 1", "State: 1"]);
  expect(text.kind === "text" && text.lines.at(-1)).toBe("State: 45");
});

it("E8.2 responding actor replies with running totals", async () => {
  const r = await run("respond");
  const book = r.blocks.find((b) => b.kind === "book")!;
  expect(book.kind === "book" && book.rows[0]!.ours).toBe("0,1,3,6,10,15,21,28,36,45");
});

it("E8.3 counts every increment through each approach and rejects bad sizes", async () => {
  const r = await run("vs-mutex", { increments: "1000" });
  const table = r.blocks.find((b) => b.kind === "table")!;
  expect(table.kind === "table" && table.rows.map((row) => row[0])).toEqual(["actor (ask → reply)", "async mutex", "async mutex + spawned task per call"]);
  await expect(run("vs-mutex", { increments: "-3" })).rejects.toThrow("--increments must be a positive integer");
});
