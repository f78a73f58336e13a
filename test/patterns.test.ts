import { describe, expect, it } from "vitest";
import { transition, type SwitchEvent, type SwitchState } from "../src/labs/ch9/state-machine.js";
import { retry } from "../src/patterns/retry.js";
import { CircuitBreaker, CircuitOpenError, type BreakerState } from "../src/patterns/circuit-breaker.js";
import { LoggingFuture, withLogging } from "../src/patterns/logging-future.js";
import { waterfall } from "../src/patterns/waterfall.js";
import { VirtualRuntime } from "../src/runtime/virtual-runtime.js";
import { co } from "../src/futures/generator-future.js";
import { pollFn, ready } from "../src/futures/basic.js";
import { sleep } from "../src/futures/sleep.js";
import { seededRandom } from "../src/runtime/rng.js";
import { noopWaker } from "../src/futures/poll.js";

const fail = (msg = "Error") =>
  pollFn<never>(() => {
    throw new Error(msg);
  });

describe("E9.4 state machine", () => {
  it("prints the book's lines", () => {
    const lines: string[] = [];
    let state: SwitchState = "On";
    for (const e of ["SwitchOff", "SwitchOn", "SwitchOn"] as SwitchEvent[])
      state = transition(state, e, (l) => lines.push(l)).poll({ waker: noopWaker }) as SwitchState;
    lines.push(`State machine is in the ${state} state`);
    expect(lines).toEqual([
      "Transitioning to the Off state",
      "Transitioning to the On state",
      "No transition possible, staying in the current state",
      "State machine is in the On state",
    ]);
  });
});

describe("E9.5 retry with backoff (virtual clock)", () => {
  it("5 attempts, waits 1000/2000/4000/8000 ms, then the last error", () => {
    const rt = new VirtualRuntime();
    const attempts: number[] = [];
    const waits: (number | null)[] = [];
    const h = rt.spawn(
      retry(
        () => {
          attempts.push(rt.now());
          return fail();
        },
        { onError: (_e, _i, next) => waits.push(next) },
      ),
    );
    expect(() => rt.runToCompletion(h)).toThrow("Error");
    expect(attempts).toEqual([0, 1000, 3000, 7000, 15000]);
    expect(waits).toEqual([1000, 2000, 4000, 8000, null]);
    expect(rt.now()).toBe(15000); // the book's ~15 s, in virtual time
  });

  it("stops at the first success", () => {
    const rt = new VirtualRuntime();
    let n = 0;
    const h = rt.spawn(retry(() => (++n < 3 ? fail() : ready("ok"))));
    expect(rt.runToCompletion(h)).toBe("ok");
    expect(n).toBe(3);
    expect(rt.now()).toBe(3000);
  });

  it("jitter spreads waits within ±jitter, reproducibly per seed", () => {
    const run = (seed: number) => {
      const rt = new VirtualRuntime();
      const waits: number[] = [];
      const h = rt.spawn(
        retry(() => fail(), {
          jitter: 0.5,
          rng: seededRandom(seed),
          onError: (_e, _i, w) => w !== null && waits.push(w),
        }),
      );
      expect(() => rt.runToCompletion(h)).toThrow();
      return waits;
    };
    const a = run(3);
    expect(run(3)).toEqual(a);
    [1000, 2000, 4000, 8000].forEach((base, i) => {
      expect(a[i]!).toBeGreaterThanOrEqual(base * 0.5);
      expect(a[i]!).toBeLessThanOrEqual(base * 1.5);
    });
    expect(a).not.toEqual([1000, 2000, 4000, 8000]);
  });

  it("rejects bad options with a clear error", () => {
    expect(() => retry(() => ready(1), { attempts: 0 })).toThrow(/attempts/);
    expect(() => retry(() => ready(1), { jitter: 0.2 })).toThrow(/rng/);
  });
});

describe("E9.6 circuit breaker", () => {
  it("reproduces the book's run: opens on the 3rd error, then fails fast", () => {
    const rt = new VirtualRuntime();
    const out: string[] = [];
    const cb = new CircuitBreaker({ onTransition: (_f, to) => to === "open" && out.push("opening circuit") });
    const passing = () => pollFn(() => (out.push("passing task running"), 1));
    const erroring = () =>
      pollFn<never>(() => {
        out.push("error task running");
        throw new Error("Error");
      });
    const h = rt.spawn(
      co(function* () {
        for (const w of [passing, erroring, erroring, erroring, passing]) {
          try {
            yield* cb.call(w);
          } catch (e) {
            if (e instanceof CircuitOpenError) out.push(`Error: "${e.message}"`);
          }
        }
      }),
    );
    rt.runToCompletion(h);
    expect(out).toEqual([
      "passing task running",
      "error task running",
      "error task running",
      "error task running",
      "opening circuit",
      'Error: "Circuit Open"',
    ]);
    expect(cb.stats).toMatchObject({ attempted: 4, rejected: 1, failed: 3, succeeded: 1 });
  });

  it("half-open after openMs: a failed probe re-opens, a good probe closes", () => {
    const rt = new VirtualRuntime();
    const moves: [BreakerState, BreakerState, number][] = [];
    const cb = new CircuitBreaker({ threshold: 2, openMs: 1000, onTransition: (f, t, at) => moves.push([f, t, at]) });
    let healthy = false;
    const work = () => (healthy ? ready("ok") : fail());
    const results: string[] = [];
    const h = rt.spawn(
      co(function* () {
        for (const at of [0, 10, 20, 500, 1020, 1100, 2100, 2200]) {
          yield* sleep(at - rt.now());
          if (at === 2100) healthy = true;
          try {
            results.push(String(yield* cb.call(work)) + "@" + at);
          } catch (e) {
            results.push((e instanceof CircuitOpenError ? "fast" : "err") + "@" + at);
          }
        }
      }),
    );
    rt.runToCompletion(h);
    expect(results).toEqual(["err@0", "err@10", "fast@20", "fast@500", "err@1020", "fast@1100", "ok@2100", "ok@2200"]);
    expect(moves).toEqual([
      ["closed", "open", 10],
      ["open", "half-open", 1020],
      ["half-open", "open", 1020],
      ["open", "half-open", 2100],
      ["half-open", "closed", 2100],
    ]);
  });

  it("only one probe at a time in half-open", () => {
    const rt = new VirtualRuntime();
    const cb = new CircuitBreaker({ threshold: 1, openMs: 100 });
    const results: string[] = [];
    const attempt = (tag: string) =>
      co(function* () {
        try {
          yield* cb.call(() => sleep(50));
          results.push(tag + ":ok");
        } catch (e) {
          results.push(tag + (e instanceof CircuitOpenError ? ":fast" : ":err"));
        }
      });
    rt.spawn(
      co(function* () {
        try {
          yield* cb.call(() => fail());
        } catch {
          /* opens */
        }
      }),
    );
    rt.runUntil(200);
    rt.spawn(attempt("a"));
    rt.spawn(attempt("b"));
    rt.runUntil(1000);
    expect(results).toEqual(["b:fast", "a:ok"]);
    expect(cb.state).toBe("closed");
  });
});

describe("E9.3 logging decorator", () => {
  it("logs every poll, returns the inner value", () => {
    const rt = new VirtualRuntime();
    const lines: string[] = [];
    const h = rt.spawn(
      new LoggingFuture(
        co(function* () {
          yield* sleep(10);
          return "Result of async computation";
        }),
        (l) => lines.push(l),
      ),
    );
    expect(rt.runToCompletion(h)).toBe("Result of async computation");
    expect(lines).toEqual(["Polling the future!", "Polling the future!"]);
  });
  it("disabled: no wrapper, no lines", () => {
    const lines: string[] = [];
    const f = withLogging(ready(1), false, (l) => lines.push(l));
    expect(f.poll({ waker: noopWaker })).toBe(1);
    expect(lines).toEqual([]);
  });
});

describe("E9.2 waterfall", () => {
  it("chains outputs, and branches on a value", () => {
    const rt = new VirtualRuntime();
    const h = rt.spawn(
      waterfall<string>(
        () => ready("Task 1 completed"),
        (s) => ready(`${s} then Task 2 completed`),
        (s) => ready(`${s} and finally Task 3 completed`),
      ),
    );
    expect(rt.runToCompletion(h)).toBe("Task 1 completed then Task 2 completed and finally Task 3 completed");
    const branch = (n: number) =>
      rt.runToCompletion(
        rt.spawn(
          waterfall<string>(
            () => ready(n),
            (x) => ((x as number) > 10 ? ready("task2") : ready("task3")),
          ),
        ),
      );
    expect(branch(11)).toBe("task2");
    expect(branch(10)).toBe("task3");
  });
  it("a failing step stops the chain: later steps are never created", () => {
    const rt = new VirtualRuntime();
    let made = 0;
    const h = rt.spawn(
      waterfall(
        () => fail("step 1"),
        () => (made++, ready(1)),
      ),
    );
    expect(() => rt.runToCompletion(h)).toThrow("step 1");
    expect(made).toBe(0);
  });
});
