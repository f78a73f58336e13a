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

/** Burn `ms` of CPU (the coarse case: 16 × ~100 ms). */
export function coarse(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
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
