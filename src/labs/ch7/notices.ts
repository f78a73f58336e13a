/**
 * The chapter-7 "what to notice" lines that state a comparison, computed from the
 * figures they describe (see ../claims.ts).
 */
import { direction, speedWords, TOO_BUSY } from "../claims.js";

/**
 * The worker-count line: for each worker count, how the makespan compared with one
 * worker's. Up to the number of cores more workers should help; past it they only
 * share the cores. Says so when the data shows otherwise.
 */
export function workerCountNotice(
  rows: readonly (readonly [workers: number, speedup: number])[],
  cores: number,
): string {
  const parts = rows.filter(([w]) => w > 1).map(([w, s]) => `${w} workers ran ${speedWords(s)} than 1`);
  const upToCores = rows.filter(([w]) => w > 1 && w <= cores);
  const helped = upToCores.some(([, s]) => direction(s) === "more");
  const verdict =
    upToCores.length === 0
      ? `this machine has ${cores} core${cores === 1 ? "" : "s"}, so extra workers can only share it`
      : helped
        ? `up to the ${cores} cores here more workers help; past that they only share the cores`
        : `more workers did not help even up to the ${cores} cores here — ${TOO_BUSY}`;
  return `Worker count: ${parts.join("; ")} — ${verdict}.`;
}
