/** The schedule explorer: strategies, failure detection, shrinking, replay. */
import { describe, expect, it } from "vitest";
import {
  co,
  explore,
  formatSchedule,
  parseSchedule,
  replay,
  yieldNow,
  type ExploreProgram,
  type JoinHandle,
} from "../src/index.js";
import { predictedInterleavings } from "../src/labs/explore/dfs-count.js";

/** CPU-bound searches (and subprocesses): generous, so a busy shared machine cannot trip them. */
const SLOW = { timeout: 180_000 };

/** n tasks of `steps` steps each (a step is the code between two awaits); records the order. */
function steps(n: number, count: number, order: string[] = []): ExploreProgram {
  return (rt) => {
    for (let t = 0; t < n; t++) {
      const name = String.fromCharCode(65 + t);
      rt.spawn(
        co(function* () {
          for (let s = 0; s < count; s++) {
            order.push(name);
            if (s < count - 1) yield* yieldNow();
          }
        }),
        { name },
      );
    }
  };
}

/** Bug 1's shape: read, await, write back. */
const lostUpdate: ExploreProgram = (rt) => {
  let counter = 0;
  const add = function* () {
    const seen = counter;
    yield* yieldNow();
    counter = seen + 1;
  };
  const a = rt.spawn(co(add), { name: "a" });
  const b = rt.spawn(co(add), { name: "b" });
  return co(function* () {
    yield* a;
    yield* b;
    if (counter !== 2) throw new Error(`counter is ${counter}, expected 2`);
  });
};

describe("explore", SLOW, () => {
  it("dfs on 3 tasks × 3 steps enumerates exactly 9!/(3!·3!·3!) = 1,680 interleavings, each once", () => {
    const seen = new Set<string>();
    let order: string[] = [];
    const program: ExploreProgram = (rt, cx) => {
      order = [];
      steps(3, 3, order)(rt, cx);
    };
    const result = explore(
      (rt, cx) => {
        program(rt, cx);
        // After every poll: once all 9 steps ran, remember the interleaving.
        cx.invariant(() => void (order.length === 9 && seen.add(order.join(""))));
      },
      { strategy: "dfs", schedules: 100_000 },
    );
    expect(result.failure).toBeNull();
    expect(result.exhausted).toBe(true);
    expect(result.schedules).toBe(1680);
    expect(seen.size).toBe(1680);
  });

  it("dfs with a preemption bound enumerates fewer schedules, and bound 0 is the one run without preemption", () => {
    const none = explore(steps(3, 3), { strategy: "dfs", preemptionBound: 0, schedules: 100_000 });
    const one = explore(steps(3, 3), { strategy: "dfs", preemptionBound: 1, schedules: 100_000 });
    const two = explore(steps(3, 3), { strategy: "dfs", preemptionBound: 2, schedules: 100_000 });
    // Bound 0: only which task starts next when one ends is free: 3! orders. The other
    // counts come from enumerating AAABBBCCC's 1,680 orders and counting switches away
    // from a task with steps left (predictedInterleavings does it by recursion).
    expect(none.schedules).toBe(6);
    expect(one.schedules).toBe(42);
    expect(two.schedules).toBe(192);
    expect([0, 1, 2, 3, Infinity].map((b) => predictedInterleavings(3, 3, b))).toEqual([6, 42, 192, 552, 1680]);
    expect([none, one, two].every((r) => r.exhausted && r.failure === null)).toBe(true);
  });

  it(
    "finds a lost update with every strategy, shrinks it to one preemption, " +
      "and the replay string reproduces it byte for byte",
    () => {
      for (const strategy of ["random", "pct", "dfs"] as const) {
        const result = explore(lostUpdate, { strategy, seed: 3, schedules: 1000 });
        const f = result.failure!;
        expect(f.kind).toBe("throw");
        expect(f.message).toMatch(/counter is 1, expected 2/);
        expect(f.preemptions).toBe(1);
        expect(f.shrunk.length).toBeLessThanOrEqual(2);
        const again = replay(lostUpdate, f.replay);
        expect(again.failure).toEqual({ kind: f.kind, message: f.message });
        expect(again.interleaving).toEqual(f.interleaving);
        expect(JSON.stringify(replay(lostUpdate, f.replay))).toBe(JSON.stringify(again));
      }
      // The schedule with no decisions is the run without preemption: it passes.
      expect(replay(lostUpdate, "-").failure).toBeNull();
    },
  );

  it("detects a deadlock (tasks remain, nothing runnable, no timer) and names the stuck tasks", () => {
    const result = explore(
      (rt) => {
        let other: JoinHandle<void> | null = null;
        const a = rt.spawn(
          co(function* () {
            yield* yieldNow();
            yield* other!;
          }),
          { name: "a" },
        );
        other = a;
        rt.spawn(
          co(function* () {
            yield* a;
          }),
          { name: "waits-for-a" },
        );
      },
      { strategy: "random", schedules: 10 },
    );
    expect(result.failure?.kind).toBe("deadlock");
    expect(result.failure?.message).toMatch(/a, waits-for-a|waits-for-a, a/);
    expect(result.schedules).toBe(1);
  });

  it("stops a livelock at the step bound, and checks invariants after every poll", () => {
    const spin = explore(
      (rt) => {
        rt.spawn(
          co(function* () {
            for (;;) yield* yieldNow();
          }),
          { name: "spin" },
        );
      },
      { maxSteps: 50, schedules: 3 },
    );
    expect(spin.failure?.kind).toBe("step-bound");
    expect(spin.failure?.steps).toBe(50);

    const inv = explore(
      (rt, cx) => {
        let inside = 0;
        cx.invariant(() => inside <= 1);
        for (const name of ["p", "q"]) {
          rt.spawn(
            co(function* () {
              inside++;
              yield* yieldNow();
              inside--;
            }),
            { name },
          );
        }
      },
      { strategy: "pct", seed: 2, schedules: 200 },
    );
    expect(inv.failure?.kind).toBe("invariant");
    expect(inv.failure?.preemptions).toBe(1);
  });

  it("schedules as text: format and parse are inverse, defaults are trimmed, junk is refused", () => {
    expect(formatSchedule([0, 2, 1, 0, 0])).toBe("0.2.1");
    expect(formatSchedule([0, 0])).toBe("-");
    expect(parseSchedule("0.2.1")).toEqual([0, 2, 1]);
    expect(parseSchedule("-")).toEqual([]);
    expect(() => parseSchedule("0.x")).toThrow(RangeError);
  });

  it("a failure that does not come back on replay (a program that is not deterministic) says so", () => {
    let runs = 0;
    const result = explore(
      (rt) => {
        const first = runs++ === 0; // state outside the program: the run is not a function of its schedule
        rt.spawn(
          co(function* () {
            yield* yieldNow();
            if (first) throw new Error("only the first time");
          }),
          { name: "flaky" },
        );
      },
      { strategy: "random", schedules: 5 },
    );
    expect(result.failure?.kind).toBe("throw");
    expect(result.failure?.message).toMatch(
      /only the first time \(did not fail again on replay: is the program deterministic\?\)/,
    );
  });
});
