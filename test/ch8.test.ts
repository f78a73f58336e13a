import { expect, it } from "vitest";
import { ch8 } from "../src/labs/ch8/index.js";
import type { LabOptions } from "../src/labs/types.js";

const opts = (extra: LabOptions["extra"] = {}, driver: LabOptions["driver"] = "live"): LabOptions => ({
  seed: 1,
  timeScale: 0.01,
  driver,
  extra,
  log: () => {},
  signal: new AbortController().signal,
});
const run = (id: string, extra?: LabOptions["extra"], driver?: LabOptions["driver"]) =>
  ch8.experiments.find((e) => e.id === id)!.run(opts(extra, driver));

it("E8.1 basic actor prints Received/State for 0..9 and ends at 45", async () => {
  const r = await run("basic");
  const text = r.blocks.find((b) => b.kind === "text")!;
  expect(text.kind === "text" && text.lines.slice(0, 4)).toEqual([
    "Received: 0",
    "State: 0",
    "Received: 1",
    "State: 1",
  ]);
  expect(text.kind === "text" && text.lines.at(-1)).toBe("State: 45");
});

it("E8.2 responding actor replies with running totals", async () => {
  const r = await run("respond");
  const book = r.blocks.find((b) => b.kind === "book")!;
  expect(book.kind === "book" && book.rows[0]!.ours).toBe("0,1,3,6,10,15,21,28,36,45");
});

it("E8.3 counts every increment through each approach and rejects bad sizes", async () => {
  const r = await run("vs-mutex", { increments: "1000", crossIncrements: "100" });
  const table = r.blocks.find((b) => b.kind === "table")!;
  expect(table.kind === "table" && table.rows.map((row) => row[0])).toEqual([
    "actor (send + await the reply)",
    "async mutex",
    "async mutex, update spawned as a task",
  ]);
  await expect(run("vs-mutex", { increments: "-3" })).rejects.toThrow("--increments must be a positive integer");
});

const textOf = (r: Awaited<ReturnType<typeof run>>, n = 0) => {
  const blocks = r.blocks.filter((b) => b.kind === "text");
  const b = blocks[n]!;
  return b.kind === "text" ? b.lines : [];
};

it("E8.4 router: the book's printout, and a row per request kind", async () => {
  const plain = await run("router", {});
  expect(plain.blocks.some((b) => b.kind === "table")).toBe(false); // the timings are behind --timings
  expect(textOf(plain)).toEqual(['value: Ok("world")', "value: None"]);
  const r = await run("router", { requests: "200", timings: true });
  expect(textOf(r)).toEqual(['value: Ok("world")', "value: None"]);
  const table = r.blocks.find((b) => b.kind === "table")!;
  expect(table.kind === "table" && table.rows.map((row) => row[0])).toEqual([
    "set via router",
    "get via router",
    "delete via router",
    "get straight to the key-value actor",
  ]);
  await expect(run("router", { requests: "0" })).rejects.toThrow("--requests must be a positive integer");
});

it("E8.5 recovery: both stores reload what the first run wrote", async () => {
  const r = await run("recovery", { writes: "20" });
  const expected = [
    "Data loaded from file: {}",
    "-- system stopped and started again --",
    'Data loaded from file: {"hello": [119, 111, 114, 108, 100]}',
    "value: Some([119, 111, 114, 108, 100])",
    "value: None",
  ];
  expect(textOf(r, 0)).toEqual(expected);
  expect(textOf(r, 1)).toEqual(expected);
  // A flipped byte in record 2 is reported, and the valid prefix (record 1) is what the store serves.
  const damaged = textOf(r, 2);
  expect(damaged[1]).toMatch(
    /^Store problem: data\.log: damaged at line 2 \(checksum mismatch\).*kept the first 1 record/,
  );
  expect(damaged.slice(2)).toEqual(expected.slice(2));
  const table = r.blocks.find((b) => b.kind === "table")!;
  expect(table.kind === "table" && table.rows.map((row) => [row[0], row[1]])).toEqual([
    ["json rewrite (book), write only", 20],
    ["append log + compaction, write only", 20],
    ["json rewrite (book), fsync", 10],
    ["append log + compaction, fsync", 10],
  ]);
});

it(
  "E8.6 heartbeat (sim): the book's printout, then a supervisor reset " + "with one get delayed by the router's pause",
  async () => {
    const r = await run("heartbeat", {}, "sim");
    const part1 = textOf(r, 0);
    expect(part1.slice(0, 8)).toEqual([
      "Starting key_value_actor",
      "Data loaded from file: {}",
      "value: Some([119, 111, 114, 108, 100])",
      "value: Some([119, 111, 114, 108, 100])",
      "-- manual reset of the key-value actor --",
      "Starting key_value_actor",
      'Data loaded from file: {"hello": [119, 111, 114, 108, 100]}',
      "value: Some([119, 111, 114, 108, 100])",
    ]);
    // One writer instance printing until the end, its repeated lines collapsed into one with a count.
    expect(part1.slice(8)).toHaveLength(1);
    expect(part1[8]).toMatch(/^writer instance: .*\(×\d+, collapsed\)$/);
    const part2 = textOf(r, 1);
    expect(part2.slice(0, 4)).toEqual([
      "-- writer stalls for 2000 ms (a stuck disk) at 1100 ms --",
      "-- heartbeat supervisor: writer silent for 600 ms, reset --",
      "Starting key_value_actor",
      'Data loaded from file: {"hello": [119, 111, 114, 108, 100], "test": [119, 111, 114, 108, 100]}',
    ]);
    const table = r.blocks.find((b) => b.kind === "table")!;
    const waits = table.kind === "table" ? table.rows.map((row) => Math.round(row[2] as number)) : [];
    expect(waits).toEqual([0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0]);
  },
);
