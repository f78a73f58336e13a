/**
 * The E5.9 random coroutine, shared by the main thread and the worker so both run the
 * same code: an endless generator of whole numbers 0..10 drawn from a seeded RNG.
 *
 * Invariant: the same RNG state and the same number of resumes give the same next
 * value — which is what lets a worker rebuild the coroutine from its state alone.
 */
export function* randCoroutine(rng: () => number): Generator<number, never, void> {
  for (;;) yield Math.floor(rng() * 11);
}
