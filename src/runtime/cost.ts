/**
 * Declared poll costs: how a future says what its poll costs, in a way every driver
 * understands.
 *
 * - `burn(ms)`: this poll computes for `ms` (CPU work).
 * - `block(ms)`: this poll blocks its worker for `ms` without computing — the book's
 *   `std::thread::sleep` inside a future (E3.1's `CounterFuture`, `async_fn`).
 *
 * Under the sim driver both only *add virtual time* to the current poll: the worker
 * stays busy that long and the virtual clock seen by the poll moves on. Under a
 * real-time driver (or with no driver at all) they really spend the time:
 * `busyWork` spins a core, `blockingSleep` freezes the thread.
 *
 * Why a call inside `poll` and not a `cost` field on the future: costs often depend on
 * what the poll found (a cache miss burns more), and a combinator polling several
 * children would have to sum fields it cannot see. A call reaches the driver from any
 * depth. The driver installs its sink around each poll; outside a sim poll the sink
 * is null and the real thing happens.
 */
import { blockingSleep, busyWork } from "./blocking.js";

/** What a driver does with a declared cost. */
export type CostSink = (ms: number, kind: "cpu" | "blocked") => void;

let sink: CostSink | null = null;

/** @internal installed by the sim driver around its polls; returns the previous sink. */
export function setCostSink(next: CostSink | null): CostSink | null {
  const previous = sink;
  sink = next;
  return previous;
}

/** This poll computes for `ms` milliseconds (virtual under sim, real spinning otherwise). */
export function burn(ms: number): void {
  if (!(ms >= 0)) throw new RangeError(`burn(ms) needs ms >= 0, got ${ms}`);
  if (sink !== null) sink(ms, "cpu");
  else busyWork(ms);
}

/** This poll blocks its worker for `ms` milliseconds, as `thread::sleep` would. */
export function block(ms: number): void {
  if (!(ms >= 0)) throw new RangeError(`block(ms) needs ms >= 0, got ${ms}`);
  if (sink !== null) sink(ms, "blocked");
  else blockingSleep(ms);
}
