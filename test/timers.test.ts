import { describe, expect, it, vi } from "vitest";
import { co, LiveRuntime, PENDING, sleep, timeout, TimeoutError } from "../src/index.js";
import { RingQueue, TimerHeap, type TimerEntry } from "../src/internals.js";
import { CountingFuture, CountingWaker } from "./suite.js";

const realSetTimeout = globalThis.setTimeout;
const entry = (deadline: number): TimerEntry => ({ deadline, waker: null, slot: -1 });

describe("TimerHeap", () => {
  it("pops by deadline, ties in insertion order, and keeps slots right through removals", () => {
    const heap = new TimerHeap();
    const es = [5, 1, 3, 1, 9, 3, 0].map(entry);
    es.forEach((e) => heap.push(e));
    heap.remove(es[4]!); // the 9
    expect(es[4]!.slot).toBe(-1);
    heap.remove(es[4]!); // twice: no-op
    const popped: number[] = [];
    let e: TimerEntry | undefined;
    while ((e = heap.pop()) !== undefined) popped.push(es.indexOf(e));
    expect(popped).toEqual([6, 1, 3, 2, 5, 0]);
    expect(es.every((x) => x.slot === -1)).toBe(true);
  });
});

describe("RingQueue", () => {
  it("keeps FIFO order across growth and wrap-around", () => {
    const q = new RingQueue<number>(2);
    const out: number[] = [];
    for (let i = 0; i < 5; i++) q.push(i);
    out.push(q.pop()!, q.pop()!);
    for (let i = 5; i < 12; i++) q.push(i);
    while (q.size > 0) out.push(q.pop()!);
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(q.pop()).toBeUndefined();
  });
});

describe("sleep and timeout on the live runtime", () => {
  it("sleeps fire in deadline order and the timer structure empties", async () => {
    const rt = new LiveRuntime();
    const order: number[] = [];
    await rt.blockOn(
      co(function* () {
        const hs = [6, 2, 4].map((ms) =>
          rt.spawn(
            co(function* () {
              yield* sleep(ms);
              order.push(ms);
            }),
          ),
        );
        for (const h of hs) yield* h;
      }),
    );
    expect(order).toEqual([2, 4, 6]);
    expect(rt.timers.size).toBe(0);
  });

  it("timeout cancels the inner future and throws TimeoutError", async () => {
    const rt = new LiveRuntime();
    const never = new CountingFuture(0, Infinity);
    const error = await rt.blockOn(timeout(never, 3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(never.cancels).toBe(1);
    expect(rt.timers.size).toBe(0);
  });

  it("timeout returns the value and releases its timer when the inner future wins", async () => {
    const rt = new LiveRuntime();
    expect(await rt.blockOn(timeout(new CountingFuture("v", 2, true), 60_000))).toBe("v");
    expect(rt.timers.size).toBe(0);
  });

  it("sleep outside a runtime says what is missing", () => {
    expect(() => sleep(5).poll({ waker: new CountingWaker() })).toThrow(/needs a runtime/);
  });

  it("sleep(0) is ready at once", () => {
    const rt = new LiveRuntime();
    expect(sleep(0).poll({ waker: new CountingWaker(), timers: rt.timers })).toBe(undefined);
    expect(sleep(1).poll({ waker: new CountingWaker(), timers: rt.timers })).toBe(PENDING);
  });

  it("sleep(ms) never completes before ms have passed, alone or among 500 others (before: ~90% did)", async () => {
    const rt = new LiveRuntime();
    const early: string[] = [];
    const timed = (ms: number) =>
      co(function* () {
        const t0 = performance.now();
        yield* sleep(ms);
        const took = performance.now() - t0;
        if (took < ms) early.push(`${ms} ms took ${took.toFixed(3)}`);
      });
    for (let ms = 1; ms <= 12; ms++) await rt.blockOn(timed(ms + 0.5));
    await rt.blockOn(
      co(function* () {
        const hs = Array.from({ length: 500 }, (_, i) => rt.spawn(timed(1 + (i % 15) + (i % 7) / 7)));
        for (const h of hs) yield* h;
      }),
    );
    expect(early).toEqual([]);
  });

  it("a sleep past Node's 24.8-day timer limit (or Infinity) arms one timer, not a 1 ms spin", async () => {
    // setTimeout turns a delay over 2^31 - 1 ms into 1 ms (with a TimeoutOverflowWarning):
    // armed naively, a month-long sleep re-armed itself every millisecond.
    const rt = new LiveRuntime();
    const arms: number[] = [];
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((fn: () => void, ms?: number) => {
      arms.push(ms ?? 0);
      return realSetTimeout(fn, ms);
    }) as typeof setTimeout);
    try {
      const month = rt.spawn(sleep(31 * 24 * 3600 * 1000));
      const forever = rt.spawn(sleep(Infinity));
      await new Promise((r) => realSetTimeout(r, 60));
      expect(arms.length).toBe(1);
      expect(arms[0]).toBe(2 ** 31 - 1);
      expect(rt.timers.size).toBe(2);
      month.cancel();
      forever.cancel();
      expect(rt.timers.size).toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
