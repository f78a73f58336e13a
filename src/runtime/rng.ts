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
