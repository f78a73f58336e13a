/**
 * The work every `lab bench pool` contender runs — one module, so ours and the
 * peers execute the same code. Our pool imports these exports by URL; each peer's
 * worker file (pool-peers/) wraps them in that library's worker convention.
 */

/** Recursive Fibonacci: the book's CPU load (E1.1, E1.9). */
export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** About a microsecond of arithmetic (a task so small that per-task overhead is all there is). */
export function tiny(x: number): number {
  let acc = x;
  for (let i = 0; i < 60; i++) acc = (acc * 31 + i) | 0;
  return acc;
}

/**
 * A fixed amount of CPU work (the coarse case: 16 × ~100 ms): `steps` rounds of an
 * integer hash, calibrated on the main thread by {@link coarseStepsFor}. Not "spin
 * until `ms` of wall time passed": a spin ends on time however many threads share a
 * core, so every pool would show the same makespan whatever its overhead.
 */
export function coarse(steps: number): number {
  let acc = 0;
  for (let i = 0; i < steps; i++) acc = (acc * 31 + i) | 0;
  return acc;
}

/** Steps of {@link coarse} that take about `ms` on this thread (fastest of a few trials). */
export function coarseStepsFor(ms: number): number {
  const trial = 1_000_000;
  coarse(trial); // warm-up: let V8 optimise the loop first
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    coarse(trial);
    best = Math.min(best, performance.now() - start);
  }
  return Math.max(1, Math.round((trial * ms) / best));
}

/** One entry point for peers whose workers run a single function: `{ kind, n }`. */
export function dispatch(task: { kind: "fib" | "tiny" | "coarse"; n: number }): number {
  switch (task.kind) {
    case "fib":
      return fib(task.n);
    case "tiny":
      return tiny(task.n);
    case "coarse":
      return coarse(task.n);
  }
}
