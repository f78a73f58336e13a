import { describe, expect, it } from "vitest";
import { ActorSystem } from "../src/actors/system.js";
import type { ActorContext } from "../src/actors/actor.js";
import { sleep } from "../src/futures/sleep.js";
import { FakeTimers, settle } from "./helpers/fake-timers.js";

function fixture() {
  const timers = new FakeTimers();
  return { timers, system: new ActorSystem({ timers }) };
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

/** An endless in-memory source; `closed` flips when the actor cancels it. */
function endless(prefix: string) {
  const state = { pulled: 0, closed: false };
  async function* gen(): AsyncGenerator<string> {
    try {
      for (;;) {
        state.pulled++;
        yield `${prefix}${state.pulled}`;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, iterable: gen() };
}

describe("message sources (speare's SourceSet)", () => {
  it("two ready sources: every item of the earlier one comes before the later one's", async () => {
    const { system } = fixture();
    const got: string[] = [];
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.addSource(fromArray([1, 2, 3]), (n) => `a${n}`);
        ctx.addSource(fromArray([1, 2, 3]), (n) => `b${n}`);
      },
      handle: (m: string) => void got.push(m),
    }));
    await settle(20);
    expect(got).toEqual(["a1", "a2", "a3", "b1", "b2", "b3"]);
    ref.stop();
    expect(await ref.join()).toEqual({ kind: "completed", killed: false });
  });

  it("registration order decides, not which iterable was built first", async () => {
    const { system } = fixture();
    const got: string[] = [];
    const early = fromArray(["x", "y"]);
    const late = fromArray(["p", "q"]);
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.addSource(late, (s) => s);
        ctx.addSource(early, (s) => s);
      },
      handle: (m: string) => void got.push(m),
    }));
    await settle(20);
    expect(got).toEqual(["p", "q", "x", "y"]);
    ref.stop();
  });

  it("the mailbox is served before the sources", async () => {
    const { system } = fixture();
    const got: string[] = [];
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.addSource(fromArray(["s1", "s2"]), (s) => s);
      },
      handle: (m: string) => void got.push(m),
    }));
    ref.tell("m1");
    ref.tell("m2");
    await settle(20);
    expect(got).toEqual(["m1", "m2", "s1", "s2"]);
    ref.stop();
  });

  it("a never-ending source registered first starves a later one, while the mailbox is still served", async () => {
    const { system } = fixture();
    const got: string[] = [];
    const fast = endless("f");
    const later = { closed: false };
    async function* one(): AsyncGenerator<string> {
      try {
        yield "late";
      } finally {
        later.closed = true;
      }
    }
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.addSource(fast.iterable, (s) => s);
        ctx.addSource(one(), (s) => s);
      },
      handle: (m: string) => void got.push(m),
    }));
    await settle(10); // settle's setImmediate turns still come: the endless source does not hold the event loop
    ref.tell("mail");
    await settle(10);
    expect(got).not.toContain("late");
    const fastItems = got.filter((m) => m.startsWith("f"));
    expect(fastItems.length).toBeGreaterThan(10);
    expect(fastItems).toEqual(fastItems.map((_, i) => `f${i + 1}`)); // in order, none lost
    const mail = got.indexOf("mail");
    expect(mail).toBeGreaterThan(0);
    expect(got.length - mail).toBeGreaterThan(1); // handled amid the flood, not after it
    // Backpressure: the endless source was asked only for what was taken, plus one ready item.
    expect(fast.state.pulled).toBeLessThanOrEqual(fastItems.length + 2);
    ref.stop();
    expect(await ref.join()).toEqual({ kind: "completed", killed: false });
    await settle();
    expect(fast.state.closed).toBe(true);
    expect(later.closed).toBe(true);
    expect(got).not.toContain("late");
  });

  it("a source is pulled one item ahead only: a slow handler does not drain a fast source", async () => {
    const { system, timers } = fixture();
    const fast = endless("f");
    const got: string[] = [];
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.addSource(fast.iterable, (s) => s);
      },
      *handle(m: string) {
        got.push(m);
        yield* sleep(10);
      },
    }));
    await settle(20);
    expect(got).toEqual(["f1"]);
    expect(fast.state.pulled).toBe(2); // f1 taken, f2 ready; f3 not asked for
    timers.advance(10);
    await settle(20);
    expect(got).toEqual(["f1", "f2"]);
    expect(fast.state.pulled).toBe(3);
    ref.kill();
    await ref.join();
    await settle();
    expect(fast.state.closed).toBe(true);
  });

  it("a later source is served while the earlier one waits on a real event (its pull is not ready)", async () => {
    const { system, timers } = fixture();
    const got: string[] = [];
    let release: (() => void) | null = null;
    // The earlier source answers only when the test's timer message releases it.
    const waiting: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<string>>((resolve) => (release = () => resolve({ done: false, value: "slow" }))),
      }),
    };
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        ctx.addSource(waiting, (s) => s);
        ctx.addSource(fromArray(["b1", "b2"]), (s) => s);
        ctx.sendAfter("release", 10);
      },
      handle: (m: string) => {
        got.push(m);
        if (m === "release") release?.();
      },
    }));
    await settle(20);
    expect(got).toEqual(["b1", "b2"]);
    timers.advance(10);
    await settle(20);
    expect(got).toEqual(["b1", "b2", "release", "slow"]);
    ref.kill();
  });

  it("a source that throws goes to supervision (phase run); a stopped actor cancels its sources", async () => {
    const { system } = fixture();
    async function* broken(): AsyncGenerator<number> {
      yield 1;
      throw new Error("source broke");
    }
    const got: number[] = [];
    const ref = system.spawn<number>(() => ({
      started(ctx: ActorContext<number>) {
        ctx.addSource(broken(), (n) => n);
      },
      handle: (m: number) => void got.push(m),
    }));
    const exit = await ref.join();
    expect(exit).toMatchObject({ kind: "failed", phase: "run" });
    expect(exit.kind === "failed" && (exit.error as Error).message).toBe("source broke");
    expect(got).toEqual([1]);
  });

  it("addSource rejects a non-iterable with a TypeError", async () => {
    const { system } = fixture();
    let error: unknown = null;
    const ref = system.spawn<string>(() => ({
      started(ctx: ActorContext<string>) {
        try {
          ctx.addSource([1, 2] as unknown as AsyncIterable<number>, String);
        } catch (e) {
          error = e;
        }
      },
      handle() {},
    }));
    await settle();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/addSource needs an async iterable/);
    ref.stop();
  });
});
