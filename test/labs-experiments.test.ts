/**
 * The experiments issue 14 made faithful: each printout's shape, and the relation it
 * teaches — orders, counts, which is larger — never a wall-clock value.
 */
import { describe, expect, it } from "vitest";
import { ch2 } from "../src/labs/ch2/index.js";
import { collapseErrors } from "../src/labs/ch2/audit-logger.js";
import { ch3 } from "../src/labs/ch3/index.js";
import type { Block, LabOptions, TableBlock, TextBlock } from "../src/labs/types.js";

const options = (over: Partial<LabOptions> = {}): LabOptions => ({
  seed: 1, timeScale: 0.01, driver: "sim", extra: {}, log: () => {}, signal: new AbortController().signal, ...over,
});
const find = (chapter: { experiments: { id: string; run: (o: LabOptions) => Promise<{ blocks: Block[] }> }[] }, id: string) =>
  chapter.experiments.find((e) => e.id === id)!;
const texts = (blocks: Block[]) => blocks.filter((b): b is TextBlock => b.kind === "text");
const tables = (blocks: Block[]) => blocks.filter((b): b is TableBlock => b.kind === "table");
const strip = (line: string) => line.replace(/^\[[^\]]*\] /, "");

describe("E2.1 coffee and toast", () => {
  it("prints the 24 s run (mug first) and then the 18 s run (kettle and toaster first)", async () => {
    const { blocks } = await find(ch2, "coffee").run(options({ timeScale: 0.002 }));
    const [joined, early] = texts(blocks);
    expect(joined!.title).toMatch(/24 s run/);
    expect(early!.title).toMatch(/18 s run/);
    expect(joined!.lines.map(strip).slice(0, 3)).toEqual(["Pouring milk...", "Milk poured.", "Putting instant coffee..."]);
    expect(early!.lines.map(strip).slice(0, 3)).toEqual(["boiling kettle...", "putting bread in toaster...", "Pouring milk..."]);
    const [row24, row18] = tables(blocks)[0]!.rows.slice(1);
    expect(row24![1]).toBe(24);
    expect(row18![1]).toBe(18);
    expect(row24![3] as number).toBeGreaterThan(row18![3] as number);
  });
});

describe("E2.8 audit logger", () => {
  it("collapses consecutive retry lines into one counted line and keeps the rest", () => {
    const lines = ["error for two : try_lock failed", "error for three : try_lock failed", "written for: one", "error for six : try_lock failed", "written for: six"];
    expect(collapseErrors(lines)).toEqual([
      "error for two, three : try_lock failed   (×2 lines collapsed)", "written for: one", "error for six : try_lock failed", "written for: six",
    ]);
  });
  it("says in its title what it collapsed", async () => {
    const { blocks } = await find(ch2, "audit-logger").run(options());
    expect(texts(blocks)[0]!.title).toMatch(/collapsed/);
    for (const line of texts(blocks)[0]!.lines) expect(line).not.toMatch(/^error for \S+ : try_lock failed$\n^error for/m);
  });
});

describe("E3.2 AsyncSleep", () => {
  it("is listed, and both sleeps end no earlier than due; AsyncSleep needs more polls, the timer sleep two", async () => {
    expect(ch3.experiments.map((e) => e.book)).toContain("E3.2");
    const { blocks } = await find(ch3, "async-sleep").run(options());
    const t = tables(blocks)[0]!;
    expect(t.title).toMatch(/\(virtual\)/);
    expect(t.rows).toHaveLength(6);
    for (let i = 0; i < t.rows.length; i += 2) {
      const [a, timer] = [t.rows[i]!, t.rows[i + 1]!];
      expect(a[1]).toBe("AsyncSleep (book)");
      expect(a[3] as number).toBeGreaterThanOrEqual(0);
      expect(timer[3] as number).toBeGreaterThanOrEqual(0);
      expect(timer[4]).toBe(2);
      expect(a[4] as number).toBeGreaterThan(2);
    }
    // More blockers ahead: a longer lap, so fewer AsyncSleep polls fit before the deadline.
    expect(t.rows[0]![4] as number).toBeGreaterThan(t.rows[4]![4] as number);
  });
  it("under --driver live nothing says virtual", async () => {
    const { blocks } = await find(ch3, "async-sleep").run(options({ driver: "live", timeScale: 0.005 }));
    expect(JSON.stringify(blocks)).not.toMatch(/virtual/i);
  });
});
