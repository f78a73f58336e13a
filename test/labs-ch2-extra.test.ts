import { describe, expect, it } from "vitest";
import { ch2 } from "../src/labs/ch2/index.js";
import type { Block, LabOptions, TableBlock, TextBlock } from "../src/labs/types.js";

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
const experiment = (id: string) => ch2.experiments.find((e) => e.id === id)!;
const texts = (blocks: Block[]) => blocks.filter((b): b is TextBlock => b.kind === "text");
const tables = (blocks: Block[]) => blocks.filter((b): b is TableBlock => b.kind === "table");

describe("lab ch2 audit-logger (E2.8)", () => {
  it("writes every name exactly once to each file, retrying through try_lock failures", async () => {
    const r = await experiment("audit-logger").run(options(3));
    const names = ["five", "four", "one", "six", "three", "two"];
    const [bookOrder, seeded] = tables(r.blocks)[0]!.rows;
    expect(bookOrder![1]).toBe("one two three four five six");
    for (const row of [bookOrder!, seeded!]) {
      const spawnOrder = (row[1] as string).split(" ");
      const login = (row[2] as string).split(" ");
      const logout = (row[3] as string).split(" ");
      expect([...spawnOrder].sort()).toEqual(names);
      expect([...login].sort()).toEqual(names);
      expect([...logout].sort()).toEqual(names);
      // The first task spawned for a file locks it first: it is always first in the file.
      expect(login[0]).toBe(spawnOrder[0]);
      expect(logout[0]).toBe(spawnOrder[0]);
      // The first task holds each lock across its async write, so every other task fails at least once.
      expect(row[4] as number).toBeGreaterThanOrEqual(10);
    }
    expect(seeded![1]).not.toBe(bookOrder![1]);
    const printout = texts(r.blocks)[0]!.lines;
    // The five tasks that found the file locked first, collapsed into one counted line.
    expect(printout[0]).toBe("error for two, three, four, five, six : try_lock failed   (×5 lines collapsed)");
    expect(
      printout
        .filter((l) => l.startsWith("written for: "))
        .map((l) => l.slice(13))
        .sort(),
    ).toEqual([...names, ...names].sort());
  });
});

describe("lab ch2 self-referential (E2.4)", () => {
  it("a moved self-pointer reads another value, then outside memory; a swapped one reads the other slot", async () => {
    const r = await experiment("self-referential").run(options());
    const rows = tables(r.blocks)[0]!.rows.map((row) => row.slice(2));
    const segfault = "segmentation fault (read of 4096 bytes at address 0xdeadbeef, outside the 256-byte memory)";
    expect(rows).toEqual([
      // new() returns by move: both pointers aim at new()'s frame, where "test2" was built last.
      ["test1", "test2", "new()'s stack frame", "test2", "test2", "new()'s stack frame"],
      ["test2", "test2", "new()'s stack frame", "test1", "test2", "new()'s stack frame"],
      ["test2", segfault, "new()'s stack frame", "test1", segfault, "new()'s stack frame"],
      // Built in place: right, until the swap leaves each pointer in the other slot.
      ["test1", "test1", "a.data", "test2", "test2", "b.data"],
      ["test2", "test1", "b.data", "test1", "test2", "a.data"],
    ]);
  });
});
