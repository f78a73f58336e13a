/**
 * A small helper for table blocks, so an experiment's table fits on a few short lines:
 * `table("title", ["run", col("took", "ms", 1, "min")], rows)`. A bare string is a
 * column with only a header.
 *
 * Invariant: it builds exactly the `TableBlock` a literal would — the renderer sees no
 * difference — and checks that every row has one cell per column, so a missing cell is
 * an error here rather than a shifted column on screen.
 */
import type { Cell, Column, TableBlock } from "./types.js";

/** A column with a unit, digits after the point and which value is best. */
export function col(header: string, unit?: string, digits?: number, best?: "min" | "max"): Column {
  return {
    header,
    ...(unit === undefined ? {} : { unit }),
    ...(digits === undefined ? {} : { digits }),
    ...(best === undefined ? {} : { best }),
  };
}

export function table(title: string | undefined, columns: (string | Column)[], rows: Cell[][]): TableBlock {
  const cols = columns.map((c) => (typeof c === "string" ? { header: c } : c));
  for (const row of rows) {
    if (row.length !== cols.length)
      throw new Error(`table "${title ?? ""}": a row has ${row.length} cells for ${cols.length} columns`);
  }
  return { kind: "table", ...(title === undefined ? {} : { title }), columns: cols, rows };
}
