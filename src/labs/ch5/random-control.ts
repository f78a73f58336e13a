/**
 * E5.7 externally controlled random coroutines: the caller decides when each stops.
 */
import { seededRandom } from "../../index.js";
import { externalControl } from "./coroutines.js";

import type { ExperimentResult, LabOptions } from "../types.js";

export async function randomControl(opts: LabOptions): Promise<ExperimentResult> {
  const rows = [5, 7, 9].map((cutoff) => {
    const r = externalControl(seededRandom(opts.seed), 10, cutoff);
    return [cutoff, r.rounds, r.draws.length, r.total];
  });
  return {
    blocks: [
      {
        kind: "table",
        title: `10 RandCoRoutines, killed when value < cut-off (seed ${opts.seed})`,
        columns: [{ header: "cut-off" }, { header: "rounds" }, { header: "resumes" }, { header: "Total", best: "max" }],
        rows,
      },
      { kind: "notice", lines: [randomControlNotice(rows.map((r) => [r[0]!, r[3]!]))] },
    ],
  };
}

/** The E5.7 line, from [cut-off, total] rows in rising cut-off order. */
export function randomControlNotice(rows: readonly (readonly [cutoff: number, total: number])[]): string {
  const falling = rows.every((r, i) => i === 0 || r[1] < rows[i - 1]![1]);
  return falling
    ? `The caller, not the coroutine, decides when it stops: a lower cut-off ` +
        `keeps coroutines alive longer, so the total is higher ` +
        `(${rows.map((r) => `cut-off ${r[0]} → ${r[1]}`).join(", ")}), the ` +
        `book's point.`
    : `The caller decides when each coroutine stops; with this seed the ` +
        `totals did not fall as the cut-off rose ` +
        `(${rows.map((r) => `cut-off ${r[0]} → ${r[1]}`).join(", ")}): a few ` +
        `draws decide it.`;
}
