/** select: biased (first-listed wins) beside the fair default (random start, seeded on the sim driver). */
import { describe, expect, it } from "vitest";
import { co, noopWaker, ready, select, SimRuntime, type Co, type Context } from "../src/index.js";
import { CountingFuture } from "./suite.js";

/** Index of the winner of `rounds` selects among three always-ready futures, on a sim runtime with `seed`. */
function winners(seed: number, rounds: number, biased: boolean): number[] {
  const rt = new SimRuntime({ seed });
  return rt.blockOn(
    co(function* (): Co<number[]> {
      const out: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const r = biased
          ? yield* select({ biased: true }, ready(0), ready(1), ready(2))
          : yield* select(ready(0), ready(1), ready(2));
        out.push(r.index);
      }
      return out;
    }),
  );
}

describe("select", () => {
  it("biased: the first-listed ready future wins every time", () => {
    expect(new Set(winners(1, 100, true))).toEqual(new Set([0]));
  });

  it("fair default: every ready branch wins sometimes (no branch starves), roughly evenly", () => {
    const w = winners(1, 600, false);
    const counts = [0, 1, 2].map((i) => w.filter((x) => x === i).length);
    for (const c of counts) expect(c).toBeGreaterThan(120); // 200 expected each
  });

  it(
    "fair default on the sim driver: the choice is seeded — same seed, same " + "winners; another seed, other winners",
    () => {
      expect(winners(7, 50, false)).toEqual(winners(7, 50, false));
      expect(winners(7, 50, false)).not.toEqual(winners(8, 50, false));
    },
  );

  it("a child is polled at most once per poll, and every loser is cancelled exactly once", () => {
    const fs = [new CountingFuture("a", 2), new CountingFuture("b", 2), new CountingFuture("c", 2)];
    const s = select(...fs);
    const cx: Context = { waker: noopWaker };
    s.poll(cx);
    expect(fs.map((f) => f.polls)).toEqual([1, 1, 1]);
    const r = s.poll(cx) as { index: number };
    // The winner is the first ready one in this poll's round order; the rest are cancelled once.
    expect(fs.map((f) => f.cancels)).toEqual([0, 1, 2].map((i) => (i === r.index ? 0 : 1)));
    expect(fs[r.index]!.polls).toBe(2);
  });
});
