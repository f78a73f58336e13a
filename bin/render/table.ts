/** TableBlock → text: cli-table3 for layout, chalk for emphasis (the best value of ranked columns). */
import chalk from "chalk";
import Table from "cli-table3";
import type { TableBlock } from "../../src/labs/types.js";
import { formatCell } from "./format.js";

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

export function renderTable(block: TableBlock): string {
  const table = new Table({
    head: block.columns.map((c) => chalk.bold(c.header)),
    style: { head: [], border: [] },
    colAligns: block.columns.map((_, c) => (block.rows.some((r) => typeof r[c] === "number") ? "right" : "left")),
  });
  const best = bestRows(block);
  block.rows.forEach((row, r) => {
    table.push(
      block.columns.map((column, c) => {
        const text = formatCell(row[c] ?? null, column);
        return best.get(c)?.has(r) && block.rows.length > 1 ? chalk.green.bold(text) : text;
      }),
    );
  });
  return (block.title ? chalk.bold(block.title) + "\n" : "") + table.toString();
}
