/**
 * Bench rows → a table per suite: ops/s (mean ± rme%) and the ratio to the
 * `native` (or `single-thread`) row of the same case — ratios, because absolute
 * numbers from a shared 2-core machine mean little on their own.
 *
 * Where a case has a `floor` row (the smallest executor that can run it, see
 * bench/executor-floor.ts), a second ratio says how close the runtime gets to it.
 * Where rows carry `cpuMsPerOp` (cases whose wall time is mostly waiting), the
 * ratio is taken from CPU time: baseline CPU ÷ ours, so higher is still better.
 */
import type { BenchRow } from "../../bench/types.js";
import type { TableBlock } from "../../src/labs/types.js";
import { formatNumber } from "./format.js";

const BASELINES = ["native", "single-thread"];

export function benchTable(suite: string, rows: BenchRow[]): TableBlock {
  const out: TableBlock = {
    kind: "table",
    title: `lab bench ${suite}`,
    columns: [{ header: "case" }, { header: "subject" }, { header: "ops/s (mean ± rme)" }, { header: "vs baseline" }],
    rows: [],
  };
  const hasFloor = rows.some((r) => r.subject === "floor");
  if (hasFloor) out.columns.push({ header: "vs floor" });
  for (const row of rows) {
    const base = rows.find((r) => r.case === row.case && BASELINES.includes(r.subject));
    let measure: string;
    let ratio: string;
    if (row.bytesPerTask !== undefined) {
      measure = `${formatNumber(row.bytesPerTask, { header: "", digits: 0 })} B/task`;
      ratio = base?.bytesPerTask ? `${(row.bytesPerTask / base.bytesPerTask).toFixed(2)}× bytes` : "—";
    } else {
      measure =
        `${formatNumber(row.opsPerSec ?? NaN, { header: "", digits: (row.opsPerSec ?? 0) >= 100 ? 0 : 2 })} ` +
        `± ${(row.rme ?? 0).toFixed(1)}%`;
      ratio = base?.opsPerSec && row.opsPerSec !== undefined ? `${(row.opsPerSec / base.opsPerSec).toFixed(2)}×` : "—";
      if (typeof row.cpuMsPerOp === "number" && typeof base?.cpuMsPerOp === "number" && row.cpuMsPerOp > 0) {
        ratio = `${(base.cpuMsPerOp / row.cpuMsPerOp).toFixed(2)}× CPU`;
      }
    }
    if (base === row) ratio = "1.00× (baseline)";
    const extras = Object.entries(row)
      .filter(([k]) => !["case", "subject", "opsPerSec", "rme", "bytesPerTask", "samples"].includes(k))
      .map(([k, v]) => `${k}=${typeof v === "number" ? formatNumber(v) : String(v)}`);
    const cells = [row.case, row.subject, measure + (extras.length ? `  (${extras.join(", ")})` : ""), ratio];
    if (hasFloor) {
      const floor = rows.find((r) => r.case === row.case && r.subject === "floor");
      cells.push(
        floor === row
          ? "1.00× (floor)"
          : floor?.opsPerSec && row.opsPerSec !== undefined
            ? `${(row.opsPerSec / floor.opsPerSec).toFixed(2)}×`
            : "—",
      );
    }
    out.rows.push(cells);
  }
  return out;
}
