/**
 * The cost of nested `yield*`: each resume re-enters every generator on the chain.
 */
import { BaseFuture, co, LiveRuntime, PENDING, yieldNow, type Co, type Context, type Poll } from "../../index.js";

import type { ExperimentResult } from "../types.js";

function* nested(depth: number, awaits: number): Co<number> {
  if (depth > 1) return yield* nested(depth - 1, awaits);
  for (let i = 0; i < awaits; i++) yield* yieldNow();
  return awaits;
}

/** The hand-written equivalent: a future that wakes itself `awaits` times. */
class CountDown extends BaseFuture<number> {
  private left: number;
  constructor(private readonly awaits: number) {
    super();
    this.left = awaits;
  }
  poll(cx: Context): Poll<number> {
    if (this.left === 0) return this.awaits;
    this.left--;
    cx.waker.wake();
    return PENDING;
  }
}

const NESTING_RUNS = 5;

export async function nestingCost(): Promise<ExperimentResult> {
  const awaits = 50_000;
  const rt = new LiveRuntime();
  // Fastest of a few runs after a warm-up: one run is ~10-100 ms, short enough for a
  // busy machine (or a GC) to inflate a single sample and put the depths out of order.
  const measure = async (make: () => BaseFuture<number>): Promise<number> => {
    await rt.blockOn(make()); // warm-up
    let best = Infinity;
    for (let run = 0; run < NESTING_RUNS; run++) {
      const t = performance.now();
      await rt.blockOn(make());
      best = Math.min(best, performance.now() - t);
    }
    return (best * 1e6) / awaits;
  };
  const hand = await measure(() => new CountDown(awaits));
  const rows: (string | number)[][] = [["hand-written future", 0, hand, 1]];
  for (const depth of [1, 10, 100]) {
    const ns = await measure(() => co(nested, depth, awaits));
    rows.push([`co() with nested yield*`, depth, ns, ns / hand]);
  }
  return {
    blocks: [
      {
        kind: "table",
        title: `${awaits.toLocaleString("en")} awaits of yieldNow(), per await (including the executor's reschedule)`,
        columns: [
          { header: "future" },
          { header: "yield* depth" },
          { header: "per resume", unit: "ns", digits: 0, best: "min" },
          { header: "÷ hand-written", unit: "×", digits: 2 },
        ],
        rows,
      },
      {
        kind: "notice",
        lines: [
          "Each resume re-enters every generator on the yield* chain, so its cost " +
            "grows with depth — the cost the generator-library research points at. " +
            "A hand-written future pays none of it.",
        ],
      },
    ],
  };
}
