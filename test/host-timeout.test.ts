import { afterEach, describe, expect, it, vi } from "vitest";
import { hostTimeout, MAX_TIMER_DELAY_MS } from "../src/runtime/host-timeout.js";
import { ThreadPool } from "../src/runtime/threads/thread-pool.js";
import type { JoinError } from "../src/runtime/task.js";

const mod = new URL("./fixtures/pool-tasks.ts", import.meta.url);

describe("hostTimeout: a Node timer for any delay", () => {
  // The fake clock reproduces Node's overflow: a raw setTimeout(fn, 3e9) fires after 1 ms.
  afterEach(() => void vi.useRealTimers());
  const fake = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });

  it("fires once, exactly at its deadline, for delays below, at and past Node's 2^31 − 1 ms cap", () => {
    fake();
    for (const ms of [0, 5, MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS + 1, 3e9, 3 * MAX_TIMER_DELAY_MS + 7]) {
      let fired = 0;
      hostTimeout(() => fired++, ms);
      if (ms > 0) {
        vi.advanceTimersByTime(ms - 1);
        expect(fired, `${ms} ms: one ms early`).toBe(0);
      }
      vi.advanceTimersByTime(1);
      expect(fired, `${ms} ms: at the deadline`).toBe(1);
      vi.advanceTimersByTime(4 * MAX_TIMER_DELAY_MS);
      expect(fired, `${ms} ms: only once`).toBe(1);
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it("Infinity never fires and holds no timer; negative and NaN delays fire at once", () => {
    fake();
    let fired = 0;
    hostTimeout(() => fired++, Infinity);
    expect(vi.getTimerCount()).toBe(0);
    hostTimeout(() => fired++, -5);
    hostTimeout(() => fired++, NaN);
    vi.advanceTimersByTime(0);
    expect(fired).toBe(2);
  });

  it("clear() stops it before the first step and between capped steps", () => {
    fake();
    let fired = 0;
    hostTimeout(() => fired++, 10).clear();
    const far = hostTimeout(() => fired++, 3e9);
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS + 1);
    far.clear();
    far.clear();
    vi.advanceTimersByTime(3e9);
    expect(fired).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("unref() carries over to every step", () => {
    fake();
    const t = hostTimeout(() => {}, 3e9).unref();
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    // The step after the cap is a new Node timer: it must not keep the process alive either.
    expect(vi.getTimerCount()).toBe(1);
    t.clear();
  });
});

describe("ThreadPool close deadline past 24.8 days", () => {
  it("close({ deadlineMs: 3e9 }) lets a running task finish (before: the deadline fired after 1 ms)", async () => {
    const p = new ThreadPool({ workers: 1 });
    try {
      const task = p.submit<number>({ module: mod, name: "spin", arg: 150 });
      await new Promise((r) => setTimeout(r, 20));
      await p.close({ deadlineMs: 3e9 });
      await expect(task.toPromise()).resolves.toBe(150);
    } finally {
      await p.close({ mode: "cancel", deadlineMs: 0 }).catch((e: JoinError) => e);
    }
  });
});
