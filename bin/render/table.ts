/**
 * TableBlock → text that fits the terminal: cli-table3 for layout, chalk for emphasis
 * (the best value of ranked columns).
 *
 * Fitting, in order, stopping at the first that works:
 * 1. drop columns that are empty in every row (a `note` column nobody filled);
 * 2. the table at its natural width;
 * 3. wrapped cells: the widest columns are narrowed (equally, down to a common cap) until
 *    the table fits, and their text wraps inside the cell;
 * 4. vertical: one `header: value` line per cell, a blank line between rows — for tables
 *    with so many columns that even wrapped they would be a column of fragments.
 * The data is never cut: every cell's full text is printed in every layout.
 */
import chalk from "chalk";
import Table from "cli-table3";
import type { TableBlock } from "../../src/labs/types.js";
import { formatCell } from "./format.js";
import { DEFAULT_WIDTH, visibleWidth, wrapLine } from "./width.js";

/** Below this many characters per column, a wrapped table reads worse than a vertical list. */
const MIN_WRAPPED_COLUMN = 8;

/** Row indexes holding the best value of each ranked column. */
function bestRows(block: TableBlock): Map<number, Set<number>> {
  const best = new Map<number, Set<number>>();
  block.columns.forEach((column, c) => {
    if (column.best === undefined) return;
    let bestValue: number | undefined;
    for (const row of block.rows) {
      const v = row[c];
      if (typeof v !== "number" || !Number.isFinite(v)) continue;
      if (bestValue === undefined || (column.best === "min" ? v < bestValue : v > bestValue)) bestValue = v;
    }
    if (bestValue === undefined) return;
    const rows = new Set<number>();
    block.rows.forEach((row, r) => {
      if (row[c] === bestValue) rows.add(r);
    });
    best.set(c, rows);
  });
  return best;
}

/** The largest cap such that the columns, each limited to it, fit in `room`. */
function capFor(natural: number[], room: number): number {
  let lo = 1;
  let hi = Math.max(...natural);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const sum = natural.reduce((s, n) => s + Math.min(n, mid), 0);
    if (sum <= room) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function renderTable(block: TableBlock, width = DEFAULT_WIDTH): string {
  const best = bestRows(block);
  // Cells as text first: the layout decisions need their widths.
  const text = block.rows.map((row) => block.columns.map((column, c) => formatCell(row[c] ?? null, column)));
  const keep = block.columns
    .map((_, c) => c)
    .filter(
      (c) => block.rows.length === 0 || text.some((row) => row[c] !== "" && row[c] !== "—" && row[c] !== undefined),
    );
  const columns = keep.map((c) => block.columns[c]!);
  const right = keep.map((c) => block.rows.some((r) => typeof r[c] === "number"));
  const cell = (r: number, k: number): string => {
    const c = keep[k]!;
    const value = text[r]![c]!;
    return best.get(c)?.has(r) && block.rows.length > 1 ? chalk.green.bold(value) : value;
  };
  const title = block.title ? wrapLine(chalk.bold(block.title), width).join("\n") + "\n" : "";

  const natural = keep.map((c, k) =>
    Math.max(visibleWidth(columns[k]!.header), ...text.map((row) => visibleWidth(row[c]!))),
  );
  // cli-table3: "│ " before each cell, " " after it, one closing "│".
  const chrome = 3 * keep.length + 1;
  const room = width - chrome;
  const fits = natural.reduce((s, n) => s + n, 0) <= room;
  const wrapped = !fits && room >= MIN_WRAPPED_COLUMN * keep.length;

  if (fits || wrapped) {
    const cap = fits ? Infinity : capFor(natural, room);
    const table = new Table({
      head: columns.map((c) => chalk.bold(c.header)),
      style: { head: [], border: [] },
      colAligns: right.map((r) => (r ? "right" : "left")),
      ...(fits
        ? {}
        : { colWidths: natural.map((n) => Math.min(n, cap) + 2), wordWrap: true, wrapOnWordBoundary: true }),
    });
    block.rows.forEach((_, r) => table.push(keep.map((_, k) => cell(r, k))));
    const out = table.toString();
    // cli-table3 cuts a word longer than its column with an ellipsis; if that happened, go vertical.
    if (!out.includes("…") || text.some((row) => row.some((v) => v.includes("…")))) return title + out;
  }

  const headerWidth = Math.max(...columns.map((c) => visibleWidth(c.header)));
  const lines: string[] = [];
  block.rows.forEach((_, r) => {
    if (r > 0) lines.push("");
    keep.forEach((_, k) => {
      const label = chalk.bold(columns[k]!.header.padEnd(headerWidth)) + "  ";
      lines.push(...wrapLine(label + cell(r, k), width, " ".repeat(headerWidth + 2)));
    });
  });
  return title + lines.join("\n");
}
