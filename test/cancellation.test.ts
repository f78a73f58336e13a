/**
 * Cancellation never escapes, nothing takes a driver down — and the four drivers
 * share one kit (driver-kit.ts), so each rule is checked on all of them.
 */
import { describe, expect, it } from "vitest";
import {
  asFuture,
  co,
  join,
  tryJoin,
  PENDING,
  pollFn,
  fromGenerator,
  JoinError,
  LiveRuntime,
  LiveLoopsRuntime,
  SimRuntime,
  sleep,
  VirtualRuntime,
  type Co,
  type JoinHandle,
} from "../src/index.js";
import { detachedErrorText } from "../src/runtime/driver-kit.js";
import { settle } from "./helpers/fake-timers.js";

/** The four drivers, each with a way to run until nothing is left. */
type AnyRuntime = LiveRuntime | LiveLoopsRuntime | SimRuntime | VirtualRuntime;
const drivers: Record<
  string,
  (onDetachedError?: (e: unknown, t: JoinHandle<unknown>) => void) => { rt: AnyRuntime; run(): Promise<void> }
> = {
  live: (onDetachedError) => ({
    rt: new LiveRuntime(onDetachedError ? { onDetachedError } : {}),
    run: () => settle(5),
  }),
  "live-loops": (onDetachedError) => {
    const rt = new LiveLoopsRuntime(onDetachedError ? { onDetachedError } : {});
    return { rt, run: () => settle(5) };
  },
  sim: (onDetachedError) => {
    const rt = new SimRuntime(onDetachedError ? { onDetachedError } : {});
    return { rt, run: async () => void rt.run() };
  },
  virtual: (onDetachedError) => {
    const rt = new VirtualRuntime(onDetachedError ? { onDetachedError } : {});
    return { rt, run: async () => rt.runUntil(Infinity) };
  },
};

/** Never ready (and never wakes): the task waits until it is cancelled, on every clock. */
const never = () => pollFn<never>(() => PENDING);

function* cleanupThrows(log: string[]): Co<never> {
  try {
    yield* never();
    throw new Error("unreachable");
  } finally {
    log.push("finally");
    // eslint-disable-next-line no-unsafe-finally
    throw new Error("cleanup failed");
  }
}

describe.each(Object.keys(drivers))("cancellation on the %s driver", (name) => {
  it(
    "cancelling a task whose finally throws: the canceller sees nothing, " +
      "the handle reports a cancelled JoinError with the throw as cause " +
      "(before: cancel() threw)",
    async () => {
      const { rt, run } = drivers[name]!();
      const log: string[] = [];
      const victim = rt.spawn(cleanupThrows(log));
      await run();
      expect(() => victim.cancel()).not.toThrow();
      expect(log).toEqual(["finally"]);
      let caught: unknown;
      try {
        victim.poll({ waker: { wake() {} } });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(JoinError);
      expect((caught as JoinError).isCancelled).toBe(true);
      expect(((caught as JoinError).cause as Error).message).toBe("cleanup failed");
      await expect(victim.toPromise()).rejects.toMatchObject({
        kind: "cancelled",
        cause: { message: "cleanup failed" },
      });
    },
  );

  it(
    "a task that cancels itself mid-poll and whose finally throws: no throw " +
      "out of the driver, other queued tasks still run (before: the drain " +
      "threw)",
    async () => {
      const { rt, run } = drivers[name]!();
      const log: string[] = [];
      let self: JoinHandle<void> | null = null;
      self = rt.spawn(
        co(function* (): Co<void> {
          try {
            yield* sleep(0);
            self!.cancel();
            yield* sleep(1_000_000);
          } finally {
            log.push("self finally");
            // eslint-disable-next-line no-unsafe-finally
            throw new Error("cleanup failed");
          }
        }),
      );
      const others = [1, 2, 3].map((i) =>
        rt.spawn(
          co(function* () {
            yield* sleep(0);
            yield* sleep(0);
            log.push(`other ${i}`);
            return i;
          }),
        ),
      );
      await expect(run()).resolves.toBeUndefined();
      expect(log).toContain("self finally");
      expect(log.filter((l) => l.startsWith("other")).sort()).toEqual(["other 1", "other 2", "other 3"]);
      await expect(self.toPromise()).rejects.toMatchObject({ kind: "cancelled", cause: { message: "cleanup failed" } });
      for (const h of others) expect(h.finished).toBe(true);
    },
  );

  it("detach() twice on a failed task reports the failure once (before: once per detach)", async () => {
    const reports: unknown[] = [];
    const { rt, run } = drivers[name]!((e) => reports.push(e));
    const h = rt.spawn(
      co(function* (): Co<void> {
        throw new Error("boom");
      }),
    );
    await run();
    h.detach();
    h.detach();
    expect(reports).toHaveLength(1);
    const early = rt.spawn(
      co(function* (): Co<void> {
        yield* sleep(0);
        throw new Error("later");
      }),
    );
    early.detach();
    early.detach();
    await run();
    expect(reports).toHaveLength(2);
  });

  it("a detached task cancelled with a throwing cleanup is reported (nobody else would see it)", async () => {
    const reports: unknown[] = [];
    const { rt, run } = drivers[name]!((e) => reports.push(e));
    const h = rt.spawn(cleanupThrows([]));
    await run();
    h.detach();
    h.cancel();
    expect(reports.map((e) => (e as Error).message)).toEqual(["cleanup failed"]);
  });

  it("an onDetachedError that throws does not end the drain", async () => {
    const { rt, run } = drivers[name]!(() => {
      throw new Error("handler broke");
    });
    const writes: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      rt.spawn(
        co(function* (): Co<void> {
          throw new Error("boom");
        }),
      ).detach();
      const after = rt.spawn(
        co(function* () {
          yield* sleep(0);
          return "after";
        }),
      );
      await run();
      expect(after.finished).toBe(true);
    } finally {
      process.stderr.write = write;
    }
    expect(writes.join("")).toContain("boom");
  });
});

describe("combinators under a throwing cleanup", () => {
  it(
    "cancelling a join abandons every child even when one child's finally " +
      "throws (before: the children after it kept their timers)",
    async () => {
      const rt = new LiveRuntime();
      const log: string[] = [];
      const h = rt.spawn(join(co(cleanupThrows, log), sleep(1_000_000), sleep(2_000_000)));
      await settle(2);
      expect(rt.timers.size).toBe(2);
      expect(() => h.cancel()).not.toThrow();
      expect(log).toEqual(["finally"]);
      expect(rt.timers.size).toBe(0);
      await expect(h.toPromise()).rejects.toMatchObject({ kind: "cancelled", cause: { message: "cleanup failed" } });
    },
  );

  it("a failing tryJoin child whose sibling's cleanup throws reports both", async () => {
    const rt = new LiveRuntime();
    const failing = co(function* (): Co<never> {
      yield* sleep(1);
      throw new Error("child failed");
    });
    const error = await rt.blockOn(tryJoin(co(cleanupThrows, []), failing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(["child failed", "cleanup failed"]);
  });
});

describe("one kit for every driver", () => {
  it("every driver reports a detached failure with the same text by default (before: three texts)", async () => {
    for (const name of Object.keys(drivers)) {
      if (name === "virtual") continue; // collects failures for the heater experiments instead of printing
      const { rt, run } = drivers[name]!();
      const writes: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = ((chunk: string) => (writes.push(String(chunk)), true)) as typeof process.stderr.write;
      let h: JoinHandle<void>;
      try {
        h = rt.spawn(
          co(function* (): Co<void> {
            throw new Error("boom");
          }),
          { name: "worker" },
        );
        h.detach();
        await run();
      } finally {
        process.stderr.write = write;
      }
      const error = (await h.toPromise().catch((e: JoinError) => e.cause)) as Error;
      expect(writes, name).toEqual([detachedErrorText(error, h)]);
      expect(writes[0]).toMatch(/^async-lab: detached task 1 \(worker\) failed: Error: boom/);
    }
  });

  it(
    "blockOn surfaces the future's own error on every driver; a promise on " +
      "the real-time ones, a value on the virtual ones",
    async () => {
      const boom = new Error("boom");
      const failing = () =>
        co(function* (): Co<number> {
          yield* sleep(1);
          throw boom;
        });
      const ok = () =>
        co(function* () {
          yield* sleep(1);
          return 7;
        });
      await expect(new LiveRuntime().blockOn(failing())).rejects.toBe(boom);
      await expect(new LiveLoopsRuntime().blockOn(failing())).rejects.toBe(boom);
      expect(() => new SimRuntime().blockOn(failing())).toThrow(boom);
      expect(() => new VirtualRuntime().blockOn(failing())).toThrow(boom);
      expect(await new LiveRuntime().blockOn(ok())).toBe(7);
      expect(await new LiveLoopsRuntime().blockOn(ok())).toBe(7);
      expect(new SimRuntime().blockOn(ok())).toBe(7);
      expect(new VirtualRuntime().blockOn(ok())).toBe(7);
    },
  );
});

describe("coroutines", () => {
  it("Coroutine.resume after a resume that threw says 'resumed after panicking' (before: it reported complete)", () => {
    const c = fromGenerator(
      (function* (): Generator<number, string, void> {
        yield 1;
        throw new Error("panic");
      })(),
    );
    expect(c.resume()).toEqual({ kind: "yielded", value: 1 });
    expect(() => c.resume()).toThrow("panic");
    expect(() => c.resume()).toThrow(/resumed after panicking/);
  });

  it("asFuture(fromGenerator(g)) is cancellable and runs g's finally (before: cancel did nothing)", async () => {
    const log: string[] = [];
    const rt = new LiveRuntime();
    const h = rt.spawn(
      asFuture(
        fromGenerator(
          (function* (): Generator<void, string, void> {
            try {
              for (;;) yield;
            } finally {
              log.push("finally");
            }
          })(),
        ),
      ),
    );
    await settle(2);
    expect(h.cancel()).toBe(true);
    expect(log).toEqual(["finally"]);
    await expect(h.toPromise()).rejects.toMatchObject({ kind: "cancelled" });
  });
});
