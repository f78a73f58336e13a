/** interval (burst / delay / skip as tokio), sleepUntil, timeoutAt — on the sim driver's virtual clock. */
import { describe, expect, it } from "vitest";
import {
  burn,
  co,
  interval,
  SimRuntime,
  sleep,
  sleepUntil,
  TimeoutError,
  timeoutAt,
  type Co,
  type MissedTickBehavior,
} from "../src/index.js";

/** Ticks `n` times with a 35 ms stall after the first tick; returns [scheduled time, time noticed] per tick. */
function ticks(behavior: MissedTickBehavior, n: number): [number, number][] {
  const rt = new SimRuntime();
  return rt.blockOn(
    co(function* (): Co<[number, number][]> {
      const iv = interval(10, { missedTickBehavior: behavior });
      const out: [number, number][] = [];
      for (let i = 0; i < n; i++) {
        const due = yield* iv.tick();
        out.push([due, rt.timers.now()]);
        if (i === 0) burn(35); // the task is busy past three ticks
      }
      return out;
    }),
  );
}

describe("interval", () => {
  it("on time: the first tick is immediate, then one every period", () => {
    const rt = new SimRuntime();
    const seen = rt.blockOn(
      co(function* (): Co<number[]> {
        yield* sleep(3);
        const iv = interval(10);
        const out: number[] = [];
        for (let i = 0; i < 4; i++) out.push(yield* iv.tick());
        return out;
      }),
    );
    expect(seen).toEqual([3, 13, 23, 33]);
  });

  it("burst (default): missed ticks fire at once until caught up; the schedule stays on start + k·period", () => {
    expect(ticks("burst", 6)).toEqual([
      [0, 0],
      [10, 35],
      [20, 35],
      [30, 35],
      [40, 40],
      [50, 50],
    ]);
  });

  it("delay: after a missed tick the schedule restarts one period from when it was noticed", () => {
    expect(ticks("delay", 4)).toEqual([
      [0, 0],
      [10, 35],
      [45, 45],
      [55, 55],
    ]);
  });

  it("skip: missed ticks are dropped; the next tick is the next point of the original schedule", () => {
    expect(ticks("skip", 4)).toEqual([
      [0, 0],
      [10, 35],
      [40, 40],
      [50, 50],
    ]);
  });

  it("a tick noticed within the 5 ms slack is on time, not missed", () => {
    const rt = new SimRuntime();
    const seen = rt.blockOn(
      co(function* (): Co<number[]> {
        const iv = interval(10, { missedTickBehavior: "delay" });
        const out = [yield* iv.tick()];
        burn(14); // tick 10 noticed at 14
        out.push(yield* iv.tick(), yield* iv.tick());
        return out;
      }),
    );
    expect(seen).toEqual([0, 10, 20]);
  });

  it("a cancelled tick() consumes nothing: the next tick() returns the same due time", () => {
    const rt = new SimRuntime();
    const seen = rt.blockOn(
      co(function* (): Co<number[]> {
        const iv = interval(10, { start: 20 });
        const t = iv.tick();
        try {
          yield* timeoutAt(t, 5);
        } catch (e) {
          expect(e).toBeInstanceOf(TimeoutError);
        }
        return [yield* iv.tick(), rt.timers.now()];
      }),
    );
    expect(seen).toEqual([20, 20]);
  });

  it("rejects a period that is not a positive number", () => {
    expect(() => interval(0)).toThrow(RangeError);
    expect(() => interval(Number.NaN)).toThrow(RangeError);
  });
});

describe("sleepUntil / timeoutAt", () => {
  it("sleepUntil wakes at the deadline on the driver's clock; a past deadline is ready at once", () => {
    const rt = new SimRuntime();
    const at = rt.blockOn(
      co(function* (): Co<number[]> {
        yield* sleepUntil(25);
        const a = rt.timers.now();
        yield* sleepUntil(10);
        return [a, rt.timers.now()];
      }),
    );
    expect(at).toEqual([25, 25]);
  });

  it(
    "timeoutAt gives the value when it is ready before the deadline, else " +
      "cancels it and throws TimeoutError at the deadline",
    () => {
      const rt = new SimRuntime();
      const out = rt.blockOn(
        co(function* (): Co<unknown[]> {
          const ok = yield* timeoutAt(
            co(function* (): Co<string> {
              yield* sleep(10);
              return "in time";
            }),
            50,
          );
          let cleaned = false;
          let error: unknown;
          try {
            yield* timeoutAt(
              co(function* (): Co<void> {
                try {
                  yield* sleep(100);
                } finally {
                  cleaned = true;
                }
              }),
              60,
            );
          } catch (e) {
            error = e;
          }
          return [ok, rt.timers.now(), cleaned, error instanceof TimeoutError ? error.deadline : error];
        }),
      );
      expect(out).toEqual(["in time", 60, true, 60]);
    },
  );
});
