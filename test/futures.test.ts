import { describe, expect, it } from "vitest";
import {
  asFuture,
  co,
  fromGenerator,
  fromPromise,
  join,
  joinAll,
  noopWaker,
  PENDING,
  pending,
  PolledAfterCompletion,
  ready,
  isGenerator,
  LiveRuntime,
  JoinError,
  select,
  tryJoin,
  yieldNow,
  type Co,
  type Context,
} from "../src/index.js";
import { CountingFuture, CountingWaker, ThrowingFuture } from "./suite.js";

const cx = (waker = new CountingWaker()): Context & { waker: CountingWaker } => ({ waker });

describe("join", () => {
  it("returns results in argument order, not completion order, polling only unfinished children", () => {
    const slow = new CountingFuture("slow", 3);
    const fast = new CountingFuture("fast", 1);
    const mid = new CountingFuture("mid", 2);
    const j = join(slow, fast, mid);
    const c = cx();
    expect(j.poll(c)).toBe(PENDING);
    expect(j.poll(c)).toBe(PENDING);
    expect(j.poll(c)).toEqual(["slow", "fast", "mid"]);
    expect([slow.polls, fast.polls, mid.polls]).toEqual([3, 1, 2]);
    expect(() => j.poll(c)).toThrow(PolledAfterCompletion);
  });

  it("lets the other children finish before rethrowing the first error", () => {
    const boom = new Error("boom");
    const other = new CountingFuture(1, 2);
    const j = join(new ThrowingFuture(boom), other);
    expect(j.poll(cx())).toBe(PENDING);
    expect(other.cancels).toBe(0);
    expect(() => j.poll(cx())).toThrow(boom);
    expect(other.polls).toBe(2);
  });

  it("joinAll over an empty array is ready at once", () => {
    expect(joinAll([]).poll(cx())).toEqual([]);
  });
});

describe("tryJoin", () => {
  it("returns the first error and cancels the others — a coroutine's finally runs", () => {
    const events: string[] = [];
    function* guarded(): Co<number> {
      try {
        yield* pending<void>();
        return 1;
      } finally {
        events.push("finally");
      }
    }
    const plain = new CountingFuture(2, Infinity);
    const boom = new Error("boom");
    const failing = new CountingFuture(0, 2);
    const thrower = co(function* () {
      yield* failing;
      throw boom;
    });
    const j = tryJoin(co(guarded), plain, thrower);
    expect(j.poll(cx())).toBe(PENDING);
    expect(events).toEqual([]);
    expect(() => j.poll(cx())).toThrow(boom);
    expect(events).toEqual(["finally"]);
    expect(plain.cancels).toBe(1);
    expect(plain.polls).toBe(2);
  });

  it("gives all values when nothing fails", () => {
    expect(tryJoin(ready(1), ready("a")).poll(cx())).toEqual([1, "a"]);
  });
});

describe("select", () => {
  it("returns the first ready future and cancels every loser exactly once", () => {
    const a = new CountingFuture("a", 3);
    const b = new CountingFuture("b", 2);
    const c = new CountingFuture("c", 5);
    const s = select(a, b, c);
    expect(s.poll(cx())).toBe(PENDING);
    expect(s.poll(cx())).toEqual({ index: 1, value: "b" });
    expect([a.cancels, b.cancels, c.cancels]).toEqual([1, 0, 1]);
    s.cancel(); // already finished: no second cancel
    expect([a.cancels, c.cancels]).toEqual([1, 1]);
  });

  it("biased: breaks ties by argument order", () => {
    const s = select({ biased: true }, ready("first"), ready("second"));
    expect(s.poll(cx())).toEqual({ index: 0, value: "first" });
  });
});

describe("generator coroutines", () => {
  it("only generator objects made by a function* are coroutines", async () => {
    function* body(): Co<number> {
      return 1;
    }
    async function* asyncBody(): AsyncGenerator<number> {
      yield 1;
    }
    const lookalike = {
      next: () => ({ done: true, value: 1 }),
      throw: (e: unknown) => {
        throw e;
      },
      return: () => ({ done: true, value: undefined }),
    };
    expect([
      isGenerator(body()),
      isGenerator(asyncBody()),
      isGenerator(lookalike),
      isGenerator(null),
      isGenerator(ready(1)),
    ]).toEqual([true, false, false, false, false]);
    expect(() => co(lookalike as unknown as Co<number>)).toThrow(/co\(\) takes a generator function/);
    // spawn() does not check (it is the hot path); the task fails with a TypeError its handle reports.
    const rt = new LiveRuntime();
    const error = await rt
      .spawn(lookalike as unknown as Co<number>)
      .toPromise()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JoinError);
    expect((error as JoinError).cause).toBeInstanceOf(TypeError);
  });

  it("yield* awaits a future and evaluates to its value; errors surface at the yield*", () => {
    const log: string[] = [];
    const f = co(function* () {
      const a = yield* ready(20);
      const b = yield* new CountingFuture(22, 2);
      try {
        yield* new ThrowingFuture(new Error("inner"));
      } catch (e) {
        log.push((e as Error).message);
      }
      return a + b;
    });
    const c = cx();
    expect(f.poll(c)).toBe(PENDING);
    expect(f.poll(c)).toBe(42);
    expect(log).toEqual(["inner"]);
    expect(() => f.poll(c)).toThrow(PolledAfterCompletion);
  });

  it("plain `yield f` awaits too", () => {
    const f = co(function* () {
      const v: number = yield ready(7);
      return v * 2;
    });
    expect(f.poll(cx())).toBe(14);
  });

  it("cancel runs finally blocks innermost first and cancels the awaited future", () => {
    const events: string[] = [];
    const waiting = new CountingFuture(0, Infinity);
    function* inner(): Co<void> {
      try {
        yield* waiting;
      } finally {
        events.push("inner");
      }
    }
    const f = co(function* () {
      try {
        yield* inner();
      } finally {
        events.push("outer");
      }
    });
    expect(f.poll(cx())).toBe(PENDING);
    f.cancel();
    expect(events).toEqual(["inner", "outer"]);
    expect(waiting.cancels).toBe(1);
  });

  it("yieldNow wakes once and resumes on the next poll", () => {
    const f = co(function* () {
      yield* yieldNow();
      return "after";
    });
    const c = cx();
    expect(f.poll(c)).toBe(PENDING);
    expect(c.waker.wakes).toBe(1);
    expect(f.poll(c)).toBe("after");
  });
});

describe("chapter 5 Coroutine trait", () => {
  it("resume answers yielded until complete, and asFuture busy-polls through it", () => {
    function* count(): Generator<number, string, void> {
      yield 1;
      yield 2;
      return "done";
    }
    const c = fromGenerator(count());
    expect(c.resume()).toEqual({ kind: "yielded", value: 1 });
    expect(c.resume()).toEqual({ kind: "yielded", value: 2 });
    expect(c.resume()).toEqual({ kind: "complete", value: "done" });
    const f = asFuture(fromGenerator(count()));
    const context = cx();
    expect(f.poll(context)).toBe(PENDING);
    expect(f.poll(context)).toBe(PENDING);
    expect(f.poll(context)).toBe("done");
    expect(context.waker.wakes).toBe(2);
  });
});

describe("fromPromise", () => {
  it("wakes the latest waker once the promise settles", async () => {
    const f = fromPromise(Promise.resolve(5));
    const first = new CountingWaker();
    const second = new CountingWaker();
    expect(f.poll({ waker: first })).toBe(PENDING);
    expect(f.poll({ waker: second })).toBe(PENDING);
    await Promise.resolve();
    await Promise.resolve();
    expect([first.wakes, second.wakes]).toEqual([0, 1]);
    expect(f.poll({ waker: noopWaker })).toBe(5);
  });

  it("throws the rejection from poll", async () => {
    const f = fromPromise(Promise.reject(new Error("no")));
    expect(f.poll({ waker: noopWaker })).toBe(PENDING);
    await new Promise((r) => setImmediate(r));
    expect(() => f.poll({ waker: noopWaker })).toThrow("no");
  });
});
