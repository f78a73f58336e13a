/**
 * `yield* yieldNow()` goes through one shared delegation (src/futures/basic.ts):
 * it must still give up the turn exactly once per await, evaluate to undefined,
 * mix with other `yield*` awaits, and end cleanly when the task is cancelled.
 */
import { describe, expect, it } from "vitest";
import { co, LiveRuntime, ready, yieldNow, type Co } from "../src/index.js";

describe("yield* yieldNow() (shared delegation)", () => {
  it("gives up the turn once per await: two tasks interleave step by step", async () => {
    const rt = new LiveRuntime();
    const order: string[] = [];
    function* stepper(name: string): Co<void> {
      for (let i = 0; i < 3; i++) {
        order.push(`${name}${i}`);
        const v: void = yield* yieldNow();
        expect(v).toBeUndefined();
      }
    }
    await Promise.all([rt.spawn(stepper("a")), rt.spawn(stepper("b"))]);
    expect(order).toEqual(["a0", "b0", "a1", "b1", "a2", "b2"]);
    expect(rt.stats.polls).toBe(8); // each task: 3 yields + the final resume
  });

  it("mixes with other yield* awaits in one generator, nested in a co() future", async () => {
    const rt = new LiveRuntime();
    const out = await rt.spawn(
      co(function* (): Co<number> {
        yield* yieldNow();
        const a = yield* ready(2);
        yield* yieldNow();
        const b = yield* co(function* (): Co<number> {
          yield* yieldNow();
          return 3;
        });
        return a * b;
      }),
    );
    expect(out).toBe(6);
  });

  it("a task cancelled while suspended in it runs its finally and ends cancelled", async () => {
    const rt = new LiveRuntime();
    const log: string[] = [];
    const h = rt.spawn(
      co(function* (): Co<void> {
        try {
          for (;;) yield* yieldNow();
        } finally {
          log.push("finally");
        }
      }),
    );
    await new Promise((r) => setImmediate(r));
    expect(h.cancel()).toBe(true);
    await expect(h.toPromise()).rejects.toMatchObject({ kind: "cancelled" });
    expect(log).toEqual(["finally"]);
    // The shared delegation is not left half-started: a fresh await still yields once.
    const order: string[] = [];
    await Promise.all([
      rt.spawn(
        co(function* (): Co<void> {
          order.push("x0");
          yield* yieldNow();
          order.push("x1");
        }),
      ),
      rt.spawn(
        co(function* (): Co<void> {
          order.push("y0");
          yield* yieldNow();
          order.push("y1");
        }),
      ),
    ]);
    expect(order).toEqual(["x0", "y0", "x1", "y1"]);
  });
});
