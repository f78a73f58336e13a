/** JoinSet: results in finishing order, failures and cancels as JoinError, abortAll, dispose, many joinNext waiters. */
import { describe, expect, it } from "vitest";
import { co, JoinError, JoinSet, LiveRuntime, select, SimRuntime, sleep, type Co, type JoinNext } from "../src/index.js";

function* after<T>(ms: number, value: T): Co<T> {
  yield* sleep(ms);
  return value;
}

/** Drain a set: outcomes as short strings, in the order joinNext returned them. */
function* drain<T>(set: JoinSet<T>): Co<string[]> {
  const out: string[] = [];
  for (;;) {
    const r: JoinNext<T> = yield* set.joinNext();
    if (r.done) return out;
    out.push(r.ok ? `ok:${String(r.value)}` : `${r.error.kind}${r.error.cause instanceof Error ? `:${r.error.cause.message}` : ""}`);
  }
}

describe("JoinSet", () => {
  it("joinNext returns results in the order the tasks finish, then { done: true }", () => {
    const rt = new SimRuntime();
    const out = rt.blockOn(co(function* (): Co<string[]> {
      const set = new JoinSet<string>();
      set.spawn(co(after, 30, "slow"));
      set.spawn(co(after, 10, "fast"));
      set.spawn(after(20, "mid")); // a bare generator works too
      expect(set.size).toBe(3);
      return yield* drain(set);
    }));
    expect(out).toEqual(["ok:fast", "ok:mid", "ok:slow"]);
  });

  it("an empty set answers { done: true } at once", () => {
    const rt = new SimRuntime();
    expect(rt.blockOn(co(function* (): Co<JoinNext<number>> { return yield* new JoinSet<number>().joinNext(); }))).toEqual({ done: true });
  });

  it("a task that throws comes back as a failed JoinError with the throw as its cause; the others still complete", () => {
    const rt = new SimRuntime();
    const out = rt.blockOn(co(function* (): Co<string[]> {
      const set = new JoinSet<number>();
      set.spawn(co(function* (): Co<number> {
        yield* sleep(5);
        throw new Error("boom");
      }));
      set.spawn(co(after, 10, 2));
      return yield* drain(set);
    }));
    expect(out).toEqual(["failed:boom", "ok:2"]);
  });

  it("abortAll cancels every running task (their finally blocks run); each reports cancelled", () => {
    const rt = new SimRuntime();
    const cleaned: number[] = [];
    const out = rt.blockOn(co(function* (): Co<string[]> {
      const set = new JoinSet<number>();
      for (const i of [1, 2, 3]) {
        set.spawn(co(function* (): Co<number> {
          try {
            yield* sleep(100 * i);
            return i;
          } finally {
            cleaned.push(i);
          }
        }));
      }
      yield* sleep(150); // task 1 finishes first
      set.abortAll();
      return yield* drain(set);
    }));
    expect(out).toEqual(["ok:1", "cancelled", "cancelled"]);
    expect(cleaned.sort()).toEqual([1, 2, 3]);
    expect(rt.timers.now()).toBeLessThan(200); // nothing waited for the aborted sleeps
  });

  it("disposing the set (`using`) cancels the tasks still running", () => {
    const rt = new SimRuntime();
    const cleaned: string[] = [];
    rt.blockOn(co(function* (): Co<void> {
      {
        using set = new JoinSet<void>();
        set.spawn(co(function* (): Co<void> {
          try {
            yield* sleep(1000);
          } finally {
            cleaned.push("task");
          }
        }));
        yield* sleep(1);
      }
      cleaned.push("after scope");
    }));
    expect(cleaned).toEqual(["task", "after scope"]);
    expect(rt.timers.now()).toBeLessThan(1000);
  });

  it("two tasks waiting in joinNext each get a different outcome; a joinNext that lost a select passes its wake on", () => {
    const rt = new SimRuntime({ queues: [{ name: "main", workers: 2 }] });
    const got: string[] = [];
    rt.blockOn(co(function* (): Co<void> {
      const set = new JoinSet<string>();
      set.spawn(co(after, 10, "a"));
      set.spawn(co(after, 20, "b"));
      const waiters = [0, 1].map((w) => rt.spawn(co(function* (): Co<void> {
        if (w === 0) {
          // Gives up before anything finishes: must not keep a wake-up.
          const r = yield* select({ biased: true }, set.joinNext(), sleep(5));
          got.push(`w0 raced:${r.index}`);
        }
        const r = yield* set.joinNext();
        got.push(`w${w}:${r.done ? "done" : r.ok ? r.value : "err"}`);
      })));
      for (const h of waiters) yield* h;
    }));
    expect(got).toEqual(["w0 raced:1", "w1:a", "w0:b"]);
  });

  it("works on the live runtime: results arrive as tasks finish", async () => {
    const rt = new LiveRuntime();
    const out = await rt.blockOn(co(function* (): Co<string[]> {
      const set = new JoinSet<number>(rt);
      for (const ms of [20, 1, 10]) set.spawn(co(after, ms, ms));
      return yield* drain(set);
    }));
    expect(out).toEqual(["ok:1", "ok:10", "ok:20"]);
  });

  it("a cancelled task reports a JoinError marked cancelled, not a value", () => {
    const rt = new SimRuntime();
    const r = rt.blockOn(co(function* (): Co<JoinNext<number>> {
      const set = new JoinSet<number>();
      const h = set.spawn(co(after, 50, 1));
      yield* sleep(1);
      expect(h.cancel()).toBe(true);
      return yield* set.joinNext();
    }));
    expect(r.done).toBe(false);
    expect(!r.done && !r.ok && r.error instanceof JoinError && r.error.isCancelled).toBe(true);
  });
});
