/**
 * Words computed from figures. A "what to notice" line that compares two measurements
 * is built here from the measurements themselves, so it can never say "faster" beside
 * a table that shows slower.
 *
 * Invariant: every function is pure — figures in, sentence out — and has a branch for
 * each way the data can fall: the expected effect, the opposite, and "too close to
 * call" (within `tolerance`), where the sentence says the machine did not show it.
 */

/** How a ratio (ours ÷ baseline, > 1 = more) compares, with a dead band either side of 1. */
export type Direction = "more" | "less" | "same";

export function direction(ratio: number, tolerance = 0.1): Direction {
  if (!Number.isFinite(ratio)) return "same";
  if (ratio >= 1 + tolerance) return "more";
  if (ratio <= 1 - tolerance) return "less";
  return "same";
}

/** "1.85× faster" / "1.40× slower" / "about as fast (1.03×)" for a speed-up (baseline time ÷ our time). */
export function speedWords(speedup: number, tolerance = 0.1): string {
  switch (direction(speedup, tolerance)) {
    case "more":
      return `${speedup.toFixed(2)}× faster`;
    case "less":
      return `${(1 / speedup).toFixed(2)}× slower`;
    default:
      return `about as fast (${speedup.toFixed(2)}×)`;
  }
}

/** The sentence a lab prints when it expected an effect and the data did not show it. */
export const TOO_BUSY = "the machine was too busy (or too small) to show it";
