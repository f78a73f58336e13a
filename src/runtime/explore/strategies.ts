/**
 * Search strategies: each hands out one chooser per schedule.
 *
 * - `random`: every decision uniform at random; schedule i of seed s draws from its
 *   own stream, so any schedule can be rerun alone.
 * - `pct`: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
 *   Nagarakatte, ASPLOS 2010). Each task gets a random priority when it is first seen
 *   (all above `depth`); the highest-priority ready task always runs; and at `depth - 1`
 *   random steps in [1, k] the task about to run drops to priority 1, 2, …, `depth - 1`
 *   (below every initial one). A bug of depth d among n tasks and k steps is then hit
 *   with probability at least 1 / (n · k^(d-1)) per schedule. A step here is a
 *   scheduling choice (a poll where two or more tasks were ready — where no choice
 *   exists, priorities cannot matter), and `k` is the most steps any schedule so far
 *   took (1 before the first), since the bound needs k ≥ the real count. Choices that
 *   are not about tasks (same-instant timers, workers) are drawn at random.
 * - `dfs`: every decision list, depth first, in lexicographic order — option 0 first, so
 *   the first schedule is the run with no preemption. Optionally bounded: schedules with
 *   more than `preemptionBound` preemptions (a `task` decision that switches away from
 *   a task that could have continued) are not enumerated (Musuvathi & Qadeer's
 *   context bounding). No partial-order or sleep-set reduction: two schedules that
 *   differ only in the order of independent steps are both run. That keeps the
 *   enumeration sound without knowing which steps touch shared state, and makes the
 *   count checkable: 3 tasks × 3 steps enumerate exactly 9!/(3!·3!·3!) = 1,680.
 */
import { seededRandom, type ChoiceKind, type Rng } from "../rng.js";
import { RecordingChooser, type Decision } from "./decisions.js";

export type StrategyName = "random" | "pct" | "dfs";
export const STRATEGY_NAMES: readonly StrategyName[] = ["random", "pct", "dfs"];

export interface Strategy {
  /** The chooser for the next schedule, or null when the strategy has nothing left (dfs). */
  next(): RecordingChooser | null;
  /** Told how the schedule it handed out went. */
  finished(decisions: readonly Decision[]): void;
}

/** The stream of schedule `i` under `seed` (a splitmix-style mix, so neighbours differ). */
function streamFor(seed: number, i: number): Rng {
  let h = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return seededRandom(h ^ (h >>> 15));
}

export function randomStrategy(seed: number): Strategy {
  let i = 0;
  return {
    next() {
      const rng = streamFor(seed, i++);
      return new RecordingChooser((_kind, n) => Math.floor(rng() * n));
    },
    finished() {},
  };
}

export function pctStrategy(seed: number, depth: number): Strategy {
  if (!(Number.isInteger(depth) && depth >= 1)) throw new RangeError(`pct depth must be an integer >= 1, got ${depth}`);
  let i = 0;
  let k = 1;
  return {
    next() {
      const rng = streamFor(seed, i++);
      const priority = new Map<number, number>();
      // Change point j (1-based) at step changeAt[j-1]: the task about to run drops to priority j.
      const changeAt: number[] = [];
      for (let j = 1; j < depth; j++) changeAt.push(1 + Math.floor(rng() * k));
      let step = 0;
      return new RecordingChooser((kind: ChoiceKind, n, ids) => {
        if (kind !== "task" || ids === undefined) return Math.floor(rng() * n);
        step++;
        for (let c = 0; c < n; c++) if (!priority.has(ids[c]!)) priority.set(ids[c]!, depth + rng());
        let best = top(priority, ids, n);
        for (let j = 0; j < changeAt.length; j++) {
          if (changeAt[j] === step) {
            priority.set(ids[best]!, j + 1);
            best = top(priority, ids, n);
          }
        }
        return best;
      });
    },
    finished(decisions) {
      let steps = 0;
      for (const d of decisions) if (d.kind === "task") steps++;
      if (steps > k) k = steps;
    },
  };
}

function top(priority: Map<number, number>, ids: ArrayLike<number>, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (priority.get(ids[c]!)! > priority.get(ids[best]!)!) best = c;
  return best;
}

export function dfsStrategy(preemptionBound = Infinity): Strategy {
  let prefix: number[] | null = [];
  return {
    next() {
      if (prefix === null) return null;
      const fixed = prefix;
      return new RecordingChooser((_kind, n, _ids, index) => {
        if (index < fixed.length) {
          if (fixed[index]! >= n)
            throw new Error(
              "dfs: the program made different choices on a replayed prefix (is it " +
                "deterministic? no Math.random, no real time)",
            );
          return fixed[index]!;
        }
        return 0;
      });
    },
    finished(decisions) {
      prefix = backtrack(decisions, preemptionBound);
    },
  };
}

/** The next prefix in depth-first order within the preemption bound, or null when done. */
function backtrack(path: readonly Decision[], bound: number): number[] | null {
  const before: number[] = [];
  let preemptions = 0;
  for (const d of path) {
    before.push(preemptions);
    if (d.preempted) preemptions++;
  }
  for (let i = path.length - 1; i >= 0; i--) {
    const d = path[i]!;
    if (d.k + 1 >= d.n) continue;
    // Every option past 0 of a continuing task choice is one preemption.
    if (d.continuing && before[i]! + 1 > bound) continue;
    return [...path.slice(0, i).map((p) => p.k), d.k + 1];
  }
  return null;
}
