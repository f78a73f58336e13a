/**
 * The one seam for randomness: a small seeded PRNG (mulberry32). Everything that
 * chooses at random — a steal victim, a workload's task sizes, a bench's sleep
 * lengths — takes one of these, so `--seed` replays a run exactly. `Math.random`
 * is never used for anything a run's output depends on.
 */

/** A function returning uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

/** A seeded generator: same seed, same sequence, on every machine. */
export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [0, n) drawn from `rng`. */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/**
 * What a choice is about — so a chooser that searches schedules (`lab explore`) can
 * treat task choices differently from tie-breaks between timers or workers.
 * - `task`: which ready task a worker polls next (only where the policy leaves it open);
 * - `timer`: which of several timers due at the same instant fires first;
 * - `worker`: which of several workers free at the same instant looks for work first;
 * - `unpark`: which parked worker takes a newly ready task;
 * - `victim`: where a thief starts looking;
 * - `waiter`: which waiter a `wakeOne` wakes, where the primitive allows a choice;
 * - `select`: where a fair `select` starts polling its children (`Timers.choose`).
 */
export type ChoiceKind = "task" | "timer" | "worker" | "unpark" | "victim" | "waiter" | "select";

/**
 * The one place a deterministic driver makes a choice. `choose` is called only when
 * there are at least two options and returns an index in [0, n). For `task` choices
 * `ids` names the candidate tasks, and `continuing` says that option 0 is the task the
 * worker polled last (so picking another one is a preemption).
 */
export interface Chooser {
  choose(kind: ChoiceKind, n: number, ids?: ArrayLike<number>, continuing?: boolean): number;
}

/** A chooser that picks uniformly at random from `rng` (the sim's default). */
export function randomChooser(rng: Rng): Chooser {
  return { choose: (_kind, n) => Math.floor(rng() * n) };
}
