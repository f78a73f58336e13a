/**
 * Output fits the terminal: every experiment, run through the CLI with stdout a pipe
 * (100 columns assumed), prints no line wider than 100 — headings, tables, charts, the
 * lines it streams while running, and the footer.
 *
 * Also: a note column that no row fills is not printed; a table too wide for the width
 * wraps its cells, or goes vertical, without losing any cell's text.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import chalk from "chalk";
import { renderHeading } from "../bin/render/report.js";
import { renderTable } from "../bin/render/table.js";
import { stripAnsi, visibleWidth } from "../bin/render/width.js";
import { chapters } from "../src/labs/index.js";
import type { TableBlock } from "../src/labs/types.js";

chalk.level = 0;
const root = fileURLToPath(new URL("..", import.meta.url));
const lab = (...args: string[]) =>
  spawnSync(process.execPath, ["dist/bin/lab.js", ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 240_000,
    env: { ...process.env, NO_COLOR: "1" },
  });

const widest = (text: string): number => Math.max(0, ...text.split("\n").map(visibleWidth));

describe("every experiment fits 100 columns, as printed", () => {
  for (const chapter of chapters) {
    it(`${chapter.id}`, () => {
      // Everything that returns data (servers and interactive modes excepted: they run until stopped).
      const ids = chapter.experiments.filter((e) => e.default !== false).map((e) => e.id);
      // The smallest time scale: widths do not depend on it, and the sleeps are halved.
      const r = lab("--time-scale", "0.005", chapter.id, ...ids);
      expect(r.status, r.stderr).toBe(0);
      for (const e of chapter.experiments.filter((x) => ids.includes(x.id))) {
        expect(r.stdout, `${chapter.id} ${e.id} printed`).toContain(stripAnsi(renderHeading(e, 100)));
      }
      const over = r.stdout.split("\n").filter((line) => visibleWidth(line) > 100);
      expect(over, `${chapter.id}: lines wider than 100`).toEqual([]);
    }, 240_000);
  }
});

describe("lab list and the help screens fit 100 columns", () => {
  it("lab list, lab --help, lab <chapter> --help, lab bench --help", () => {
    for (const args of [["list"], ["--help"], ...chapters.map((c) => [c.id, "--help"]), ["bench", "--help"]]) {
      const r = lab(...args);
      expect(r.status).toBe(0);
      expect(widest(r.stdout), args.join(" ")).toBeLessThanOrEqual(100);
    }
  }, 120_000);
});

describe("table layout", () => {
  const wide: TableBlock = {
    kind: "table",
    columns: [
      { header: "strategy" },
      { header: "a long explanation" },
      { header: "ms", unit: "ms" },
      { header: "note" },
    ],
    rows: [
      ["fifo", "one queue for everything, in arrival order; no priorities and no stealing at all", 12.5, ""],
      ["priority-steal", "high first; idle loops steal from the other queue when their own is empty", 9.25, null],
    ],
  };

  it("drops a note column that no row fills", () => {
    const text = stripAnsi(renderTable(wide, 200));
    expect(text).not.toContain("note");
    expect(text).toContain("strategy");
  });

  it("wraps cells to fit, keeping every word", () => {
    const text = stripAnsi(renderTable(wide, 60));
    expect(widest(text)).toBeLessThanOrEqual(60);
    const words = text.replace(/[│┌┐└┘├┤┬┴┼─]/g, " ").split(/\s+/);
    for (const w of ["arrival", "stealing", "queue", "empty", "12.50", "9.25"]) expect(words).toContain(w);
  });

  it("goes vertical when columns would be narrower than a word", () => {
    const many: TableBlock = {
      kind: "table",
      columns: Array.from({ length: 12 }, (_, i) => ({ header: `column-${i}` })),
      rows: [Array.from({ length: 12 }, (_, i) => `value-number-${i}`)],
    };
    const text = stripAnsi(renderTable(many, 50));
    expect(widest(text)).toBeLessThanOrEqual(50);
    expect(text.split("\n")).toContain("column-11  value-number-11");
  });
});
