/**
 * Number formatting shared by every renderer: numbers stay numbers in the data and
 * only become text here, so `--json` keeps full precision.
 */
import type { Cell, Column } from "../../src/labs/types.js";

/** Format a number with thousands separators and the column's digits/unit. */
export function formatNumber(value: number, column?: Column): string {
  if (!Number.isFinite(value)) return value > 0 ? "∞" : value < 0 ? "-∞" : "—";
  const digits =
    column?.digits ?? (Number.isInteger(value) ? 0 : Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 3);
  const text = value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const unit = column?.unit;
  if (unit === undefined || unit === "") return text;
  return unit === "×" || unit === "%" ? `${text}${unit}` : `${text} ${unit}`;
}

export function formatCell(cell: Cell, column?: Column): string {
  if (cell === null) return "—";
  if (typeof cell === "number") return formatNumber(cell, column);
  if (typeof cell === "boolean") return cell ? "yes" : "no";
  return cell;
}
