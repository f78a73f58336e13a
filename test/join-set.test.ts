/** JoinSet: results in finishing order, failures and cancels as JoinError, abortAll, dispose, many joinNext waiters. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DRIVERS, onDriver, RUNS } from "./helpers/waiter-model.js";
import {
  co,
  JoinError,
  JoinSet,
  LiveRuntime,
  oneshot,
  select,
  SimRuntime,
  sleep,
  spawn,
  yieldNow,
  type Co,
  type JoinNext,
} from "../src/index.js";

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
    out.push(
      r.ok
        ? `ok:${String(r.value)}`
        : `${r.error.kind}${r.error.cause instanceof Error ? `:${r.error.cause.message}` : ""}`,
    );
  }
}

describe("JoinSet", () => {
  it("joinNext returns results in the order the tasks finish, then { done: true }", () => {
    const rt = new SimRuntime();
    const out = rt.blockOn(
      co(function* (): Co<string[]> {
        const set = new JoinSet<string>();
        set.spawn(co(after, 30, "slow"));
        set.spawn(co(after, 10, "fast"));
        set.spawn(after(20, "mid")); // a bare generator works too
        expect(set.size).toBe(3);
        return yield* drain(set);
      }),
    );
    expect(out).toEqual(["ok:fast", "ok:mid", "ok:slow"]);
  });

  it("an empty set answers { done: true } at once", () => {
    const rt = new SimRuntime();
    expect(
      rt.blockOn(
        co(function* (): Co<JoinNext<number>> {
          return yield* new JoinSet<number>().joinNext();
        }),
      ),
    ).toEqual({ done: true });
  });

  it(
    "a task that throws comes back as a failed JoinError with the throw as " + "its cause; the others still complete",
    () => {
      const rt = new SimRuntime();
      const out = rt.blockOn(
        co(function* (): Co<string[]> {
          const set = new JoinSet<number>();
          set.spawn(
            co(function* (): Co<number> {
              yield* sleep(5);
              throw new Error("boom");
            }),
          );
          set.spawn(co(after, 10, 2));
          return yield* drain(set);
        }),
      );
      expect(out).toEqual(["failed:boom", "ok:2"]);
    },
  );

  it("abortAll cancels every running task (their finally blocks run); each reports cancelled", () => {
    const rt = new SimRuntime();
    const cleaned: number[] = [];
    const out = rt.blockOn(
      co(function* (): Co<string[]> {
        const set = new JoinSet<number>();
        for (const i of [1, 2, 3]) {
          set.spawn(
            co(function* (): Co<number> {
              try {
                yield* sleep(100 * i);
                return i;
              } finally {
                cleaned.push(i);
              }
            }),
          );
        }
        yield* sleep(150); // task 1 finishes first
        set.abortAll();
        return yield* drain(set);
      }),
    );
    expect(out).toEqual(["ok:1", "cancelled", "cancelled"]);
    expect(cleaned.sort()).toEqual([1, 2, 3]);
    expect(rt.timers.now()).toBeLessThan(200); // nothing waited for the aborted sleeps
  });

  it("disposing the set (`using`) cancels the tasks still running", () => {
    const rt = new SimRuntime();
    const cleaned: string[] = [];
    rt.blockOn(
      co(function* (): Co<void> {
        {
          using set = new JoinSet<void>();
          set.spawn(
            co(function* (): Co<void> {
              try {
                yield* sleep(1000);
              } finally {
                cleaned.push("task");
              }
            }),
          );
          yield* sleep(1);
        }
        cleaned.push("after scope");
      }),
    );
    expect(cleaned).toEqual(["task", "after scope"]);
    expect(rt.timers.now()).toBeLessThan(1000);
  });

  it(
    "two tasks waiting in joinNext each get a different outcome; a joinNext " + "that lost a select passes its wake on",
    () => {
      const rt = new SimRuntime({ queues: [{ name: "main", workers: 2 }] });
      const got: string[] = [];
      rt.blockOn(
        co(function* (): Co<void> {
          const set = new JoinSet<string>();
          set.spawn(co(after, 10, "a"));
          set.spawn(co(after, 20, "b"));
          const waiters = [0, 1].map((w) =>
            rt.spawn(
              co(function* (): Co<void> {
                if (w === 0) {
                  // Gives up before anything finishes: must not keep a wake-up.
                  const r = yield* select({ biased: true }, set.joinNext(), sleep(5));
                  got.push(`w0 raced:${r.index}`);
                }
                const r = yield* set.joinNext();
                got.push(`w${w}:${r.done ? "done" : r.ok ? r.value : "err"}`);
              }),
            ),
          );
          for (const h of waiters) yield* h;
        }),
      );
      expect(got).toEqual(["w0 raced:1", "w1:a", "w0:b"]);
    },
  );

  it("works on the live runtime: results arrive in the order the tasks finish", async () => {
    const rt = new LiveRuntime();
    const out = await rt.blockOn(
      co(function* (): Co<string[]> {
        const set = new JoinSet<number>(rt);
        // Each task waits for its own gate; the gates open in the order 2, 0, 1.
        const gates = [0, 1, 2].map(() => oneshot<void>());
        for (const i of [0, 1, 2])
          set.spawn(
            co(function* (): Co<number> {
              yield* gates[i]![1];
              return i;
            }),
          );
        for (const i of [2, 0, 1]) {
          gates[i]![0].send();
          yield* yieldNow();
        }
        return yield* drain(set);
      }),
    );
    expect(out).toEqual(["ok:2", "ok:0", "ok:1"]);
  });

  it(
    "a task cancelled before its first poll still reports cancelled " +
      "(before: its outcome was recorded from a generator finally that never " +
      "ran, and joinNext hung)",
    () => {
      const rt = new SimRuntime();
      const r = rt.blockOn(
        co(function* (): Co<JoinNext<number>> {
          const set = new JoinSet<number>();
          set.spawn(co(after, 5, 1)).cancel();
          return yield* set.joinNext();
        }),
      );
      expect(!r.done && !r.ok && r.error.isCancelled).toBe(true);
    },
  );

  it(
    "a cancel whose cleanup throws does not reach the canceller; the " +
      "outcome is cancelled with the throw as its cause",
    () => {
      const rt = new SimRuntime();
      const r = rt.blockOn(
        co(function* (): Co<JoinNext<number>> {
          const set = new JoinSet<number>();
          set.spawn(
            co(function* (): Co<number> {
              try {
                yield* sleep(100);
                return 1;
              } finally {
                // eslint-disable-next-line no-unsafe-finally
                throw new Error("cleanup failed");
              }
            }),
          );
          yield* sleep(1);
          set.abortAll(); // must not throw here
          return yield* set.joinNext();
        }),
      );
      expect(!r.done && !r.ok && r.error.isCancelled && (r.error.cause as Error).message).toBe("cleanup failed");
    },
  );

  it("a cancelled task reports a JoinError marked cancelled, not a value", () => {
    const rt = new SimRuntime();
    const r = rt.blockOn(
      co(function* (): Co<JoinNext<number>> {
        const set = new JoinSet<number>();
        const h = set.spawn(co(after, 50, 1));
        yield* sleep(1);
        expect(h.cancel()).toBe(true);
        return yield* set.joinNext();
      }),
    );
    expect(r.done).toBe(false);
    expect(!r.done && !r.ok && r.error instanceof JoinError && r.error.isCancelled).toBe(true);
  });

  type Job = { ms: number; ending: "ok" | "throw" | "cancel" };
  const job: fc.Arbitrary<Job> = fc.record({
    ms: fc.integer({ min: 0, max: 20 }),
    ending: fc.constantFrom("ok" as const, "throw" as const, "cancel" as const),
  });

  for (const driver of DRIVERS) {
    it(
      `every task yields exactly one outcome, in finishing order, under ` +
        `random durations / throws / cancels / abortAll on the ${driver} driver ` +
        `(seeded)`,
      async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.nat(1000),
            fc.array(job, { maxLength: 8 }),
            fc.option(fc.integer({ min: 0, max: 25 }), { nil: null }),
            (seed, jobs, abortAt) =>
              onDriver(driver, seed, function* () {
                const set = new JoinSet<number>();
                const finishedAt = new Map<number, number>();
                let clock = 0;
                const handles = jobs.map((j, i) =>
                  set.spawn(
                    co(function* (): Co<number> {
                      yield* sleep(j.ms);
                      finishedAt.set(i, clock++);
                      if (j.ending === "throw") throw new Error(`job ${i}`);
                      return i;
                    }),
                  ),
                );
                // Cancels and abortAll come from a second task, at their own times.
                spawnCanceller(jobs, handles, abortAt === null ? null : () => set.abortAll());
                const seen: { id: number; what: string }[] = [];
                for (;;) {
                  const r = yield* set.joinNext();
                  if (r.done) break;
                  seen.push({ id: r.id, what: r.ok ? `ok:${r.value}` : r.error.kind });
                }
                // Exactly one outcome per task.
                expect(seen.map((s) => s.id).sort((a, b) => a - b)).toEqual(
                  handles.map((h) => h.id).sort((a, b) => a - b),
                );
                expect(set.size).toBe(0);
                for (const [i, h] of handles.entries()) {
                  const s = seen.find((x) => x.id === h.id)!;
                  if (s.what === "cancelled") expect(finishedAt.has(i)).toBe(false);
                  else expect(s.what).toBe(jobs[i]!.ending === "throw" ? "failed" : `ok:${i}`);
                }
                // Tasks that ran to their end are reported in the order they ended.
                const ended = seen
                  .filter((s) => s.what !== "cancelled")
                  .map((s) => handles.findIndex((h) => h.id === s.id));
                expect(ended.map((i) => finishedAt.get(i)!)).toEqual(
                  [...ended.map((i) => finishedAt.get(i)!)].sort((a, b) => a - b),
                );
              }),
          ),
          { numRuns: RUNS, seed: 0x5eed8 },
        );
      },
    );
  }
});

/** Cancel the jobs marked "cancel" at half their duration, and call `abort` (if any) at 10 ms. */
function spawnCanceller(
  jobs: { ms: number; ending: string }[],
  handles: { cancel(): boolean }[],
  abort: (() => void) | null,
): void {
  for (const [i, j] of jobs.entries()) {
    if (j.ending !== "cancel") continue;
    spawn(
      co(function* (): Co<void> {
        yield* sleep(j.ms / 2);
        handles[i]!.cancel();
      }),
    );
  }
  if (abort !== null)
    spawn(
      co(function* (): Co<void> {
        yield* sleep(10);
        abort();
      }),
    );
}
