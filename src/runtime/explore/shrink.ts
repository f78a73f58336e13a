/**
 * Shrinking a failing schedule: delta debugging (Zeller & Hildebrandt's ddmin) over its
 * decision list, then lowering each remaining decision toward 0.
 *
 * `fails(picks)` replays a candidate list and says whether the *same kind* of failure
 * happens (a deadlock that shrinks into a thrown assertion is another bug). Because a
 * replay answers 0 past the end and clamps answers that do not fit, every candidate
 * is a valid schedule, so any edit may be tried. Steps, each kept only if it still fails:
 * 1. drop trailing zeros (free: a replay answers 0 there anyway);
 * 2. ddmin: remove chunks, halving their size down to single decisions;
 * 3. lower each non-zero decision to 0, else to each smaller value.
 * Repeated until a round changes nothing (or the budget of replays is spent). The
 * result is 1-minimal: removing or zeroing any single decision loses the failure.
 */
import { trimPicks } from "./decisions.js";

export function shrinkSchedule(start: readonly number[], fails: (picks: number[]) => boolean, budget = 2000): number[] {
  let best = trimPicks(start);
  let tries = 0;
  const attempt = (candidate: number[]): boolean => {
    if (tries >= budget) return false;
    tries++;
    return fails(candidate);
  };
  for (let round = 0; round < 8; round++) {
    const before = best.join(".");
    best = ddmin(best, attempt);
    for (let i = 0; i < best.length; i++) {
      for (let v = 0; v < best[i]!; v++) {
        const candidate = best.slice();
        candidate[i] = v;
        if (attempt(candidate)) {
          best = candidate;
          break;
        }
      }
    }
    best = trimPicks(best);
    if (best.join(".") === before || tries >= budget) break;
  }
  return best;
}

function ddmin(input: number[], fails: (picks: number[]) => boolean): number[] {
  let list = input;
  let chunks = 2;
  while (list.length >= 1) {
    const size = Math.ceil(list.length / chunks);
    let reduced = false;
    for (let start = 0; start < list.length; start += size) {
      const complement = [...list.slice(0, start), ...list.slice(start + size)];
      if (fails(complement)) {
        list = complement;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (size <= 1) break;
    chunks = Math.min(chunks * 2, list.length);
  }
  return list;
}
