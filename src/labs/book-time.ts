/**
 * Book time: the book's durations are seconds of wall-clock time (a 10 s kettle, a
 * 4 s update loop); a lab run multiplies them by `--time-scale` so a chapter finishes
 * in seconds. This is the one place that conversion happens.
 *
 * Invariant: every experiment converts through `bookMs` (book seconds → our ms) and
 * `toBookSeconds` (our ms → book seconds) with the same scale, so a figure printed in
 * "book seconds" is comparable with the book's. A `floorMs` keeps a duration long
 * enough to measure (process start-up, timer granularity); an experiment that hits its
 * floor is no longer at the requested scale, and says so via `floored`.
 */
import type { LabOptions } from "./types.js";

type Scale = Pick<LabOptions, "timeScale">;

/** One book second on a virtual clock, which runs the book's durations unscaled (it costs no real time). */
export const VIRTUAL_BOOK_SECOND = 1000;

/** `bookSeconds` of the book's time, in our milliseconds (never below `floorMs`). */
export function bookMs(opts: Scale, bookSeconds: number, floorMs = 0): number {
  return Math.max(floorMs, bookSeconds * 1000 * opts.timeScale);
}

/** Our milliseconds, in the book's seconds (the inverse of `bookMs` without a floor). */
export function toBookSeconds(opts: Scale, ms: number): number {
  return ms / (1000 * opts.timeScale);
}

/** True when `floorMs` overrode the scale for `bookSeconds` (the run is slower than the scale says). */
export function floored(opts: Scale, bookSeconds: number, floorMs: number): boolean {
  return bookSeconds * 1000 * opts.timeScale < floorMs;
}

/** A stopwatch that reads in book seconds: started now, `bookSeconds()` is the elapsed book time. */
export function bookClock(opts: Scale): { bookSeconds: () => number; ms: (bookSeconds: number) => number } {
  const start = performance.now();
  return { bookSeconds: () => toBookSeconds(opts, performance.now() - start), ms: (s) => bookMs(opts, s) };
}
