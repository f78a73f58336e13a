import { describe, expect, it } from "vitest";
import { co, JoinError, LiveRuntime, PENDING, pollFn, sleep, yieldNow, type Co, type Waker } from "../src/index.js";
import { CountingFuture, settle, ThrowingFuture } from "./suite.js";

describe("task state machine", () => {
  it("a wake during a poll re-schedules exactly once after the poll — never lost, never doubled", async () => {
    const rt = new LiveRuntime();
    let polls = 0;
    const h = rt.spawn(
      pollFn((cx) => {
        polls++;
        if (polls === 1) {
          cx.waker.wake();
          cx.waker.wake();
          cx.waker.wake();
          return PENDING;
        }
        return "done";
      }),
    );
    expect(await h).toBe("done");
    expect(polls).toBe(2);
    expect(rt.stats.polls).toBe(2);
  });

  it("a wake from another task while idle schedules once; wakes while scheduled are absorbed", async () => {
    const rt = new LiveRuntime();
    let waker: Waker | null = null;
    let polls = 0;
    const sleeper = rt.spawn(
      pollFn((cx) => {
        polls++;
        waker = cx.waker;
        return polls === 2 ? polls : PENDING;
      }),
    );
    await settle();
    expect(polls).toBe(1);
    waker!.wake();
    waker!.wake(); // already scheduled: absorbed
    expect(await sleeper).toBe(2);
    expect(polls).toBe(2);
  });

  it("a throwing task fails alone: its handle reports the error, the others complete", async () => {
    const rt = new LiveRuntime();
    const boom = new Error("boom");
    const ok1 = rt.spawn(new CountingFuture("a", 3, true));
    const bad = rt.spawn(new ThrowingFuture(boom));
    const ok2 = rt.spawn(new CountingFuture("b", 2, true));
    await expect(bad.toPromise()).rejects.toMatchObject({ name: "JoinError", kind: "failed", cause: boom });
    expect(await ok1).toBe("a");
    expect(await ok2).toBe("b");
    expect(rt.stats.live).toBe(0);
  });

  it(
    "JoinHandle.cancel() runs the coroutine's finally, unregisters its " + "timer, and the handle reports cancelled",
    async () => {
      const rt = new LiveRuntime();
      const events: string[] = [];
      function* sleeper(): Co<void> {
        try {
          yield* sleep(60_000);
        } finally {
          events.push("finally");
        }
      }
      const h = rt.spawn(sleeper());
      await settle();
      expect(rt.timers.size).toBe(1);
      expect(h.cancel()).toBe(true);
      expect(events).toEqual(["finally"]);
      expect(rt.timers.size).toBe(0);
      expect(h.finished).toBe(true);
      expect(h.cancel()).toBe(false);
      const error = await h.toPromise().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JoinError);
      expect((error as JoinError).isCancelled).toBe(true);
    },
  );

  it("a task cancelled while queued is never polled", async () => {
    const rt = new LiveRuntime();
    const f = new CountingFuture(1);
    const h = rt.spawn(f);
    h.cancel();
    await settle();
    expect(f.polls).toBe(0);
    expect(f.cancels).toBe(1);
  });

  it("a task that cancels itself mid-poll is cancelled after that poll", async () => {
    const rt = new LiveRuntime();
    const events: string[] = [];
    const self: { h?: { cancel(): boolean } } = {};
    function* body(): Co<void> {
      try {
        self.h!.cancel();
        yield* yieldNow();
        events.push("resumed");
      } finally {
        events.push("finally");
      }
    }
    self.h = rt.spawn(body());
    await settle();
    expect(events).toEqual(["finally"]);
  });

  it("join handles are futures: a parent awaits children in spawn order", async () => {
    const rt = new LiveRuntime();
    const order: number[] = [];
    function* child(i: number): Co<number> {
      for (let k = 0; k < 3 - i; k++) yield* yieldNow();
      order.push(i);
      return i * 10;
    }
    const total = await rt.blockOn(
      co(function* () {
        const hs = [0, 1, 2].map((i) => rt.spawn(child(i)));
        let sum = 0;
        for (const h of hs) sum += yield* h;
        return sum;
      }),
    );
    expect(total).toBe(30);
    expect(order).toEqual([2, 1, 0]);
  });

  it("blockOn rejects with the future's own error, unwrapped", async () => {
    const rt = new LiveRuntime();
    await expect(rt.blockOn(new ThrowingFuture(new Error("plain")))).rejects.toThrow("plain");
  });

  it("a detached task's failure is reported to the runtime's handler", async () => {
    const seen: unknown[] = [];
    const rt = new LiveRuntime({ onDetachedError: (e) => seen.push(e) });
    const boom = new Error("lost?");
    rt.spawn(new ThrowingFuture(boom)).detach();
    await settle();
    expect(seen).toEqual([boom]);
  });
});

describe("live driver fairness", () => {
  it("a future that wakes itself forever does not starve a setTimeout callback", async () => {
    const rt = new LiveRuntime();
    let polls = 0;
    const spinner = rt.spawn(
      pollFn((cx) => {
        polls++;
        cx.waker.wake();
        return PENDING;
      }),
    );
    // If the spinner starved Node's timers these awaits would never return (the test would time out).
    const pollsAtFirstTimer = await new Promise<number>((resolve) => setTimeout(() => resolve(polls), 5));
    const pollsAtSecondTimer = await new Promise<number>((resolve) => setTimeout(() => resolve(polls), 1));
    spinner.cancel();
    expect(pollsAtFirstTimer).toBeGreaterThan(0);
    // The spinner kept running between the two timers: the runtime and the event loop took turns.
    // (Not "turns > 1" at the first timer: on a loaded machine one 2 ms slice can outlast a 5 ms timer.)
    expect(pollsAtSecondTimer).toBeGreaterThan(pollsAtFirstTimer);
    expect(rt.stats.turns).toBeGreaterThan(1);
  });

  it("a small poll budget splits work into several event-loop turns", async () => {
    const rt = new LiveRuntime({ pollBudget: 4 });
    const hs = Array.from({ length: 10 }, (_, i) => rt.spawn(new CountingFuture(i)));
    for (const h of hs) await h;
    expect(rt.stats.polls).toBe(10);
    expect(rt.stats.turns).toBeGreaterThanOrEqual(3);
  });

  it("rejects a nonsensical budget", () => {
    expect(() => new LiveRuntime({ pollBudget: 0 })).toThrow(RangeError);
  });
});
