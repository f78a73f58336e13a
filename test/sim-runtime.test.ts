/** The sim driver: virtual time, declared costs, causality of pushes, blockOn. */
import { describe, expect, it } from "vitest";
import {
  BaseFuture,
  PENDING,
  SimRuntime,
  block,
  burn,
  co,
  join,
  sleep,
  spawn,
  type Context,
  type Poll,
} from "../src/index.js";

/** Wakes itself `n` times; records the virtual time of each poll. */
class SelfWaker extends BaseFuture<number> {
  readonly at: number[] = [];
  constructor(
    private readonly n: number,
    private readonly cost: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<number> {
    this.at.push(cx.timers!.now());
    burn(this.cost);
    if (this.at.length < this.n) {
      cx.waker.wake();
      return PENDING;
    }
    return this.at.length;
  }
}

describe("SimRuntime", () => {
  it("sleep() runs in virtual time: a 1 s sleep ends at exactly 1000 ms", () => {
    const rt = new SimRuntime();
    const seen: number[] = [];
    rt.spawn(
      co(function* () {
        yield* sleep(1000);
        seen.push(rt.timers.now());
        yield* sleep(500);
        seen.push(rt.timers.now());
      }),
    );
    const report = rt.run();
    // The default 1 µs poll cost is charged after the poll, so it never shifts a deadline.
    expect(seen).toEqual([1000, 1500]);
    expect(report.ended).toBe(1);
  });

  it("burn() and block() make the worker busy for the declared time, and the clock moves inside the poll", () => {
    const rt = new SimRuntime({ queues: [{ name: "main", workers: 1 }], policy: "fifo" });
    const inside: number[] = [];
    rt.spawn({
      poll: (cx: Context) => {
        burn(3);
        inside.push(cx.timers!.now());
        block(1000);
        inside.push(cx.timers!.now());
        return 1;
      },
    });
    rt.spawn({
      poll: (cx: Context) => {
        inside.push(cx.timers!.now());
        burn(2);
        return 2;
      },
    });
    const report = rt.run();
    expect(inside).toEqual([3, 1003, 1003]);
    expect(report.makespanMs).toBe(1005);
    expect(report.busyMs).toBe(1005);
    expect(report.utilisation).toBe(100);
  });

  it("a self-woken task is never polled again before its own poll ends, even with idle workers", () => {
    for (const policy of ["fifo", "priority-steal", "work-stealing", "aging"] as const) {
      const rt = new SimRuntime({
        queues: [
          { name: "high", workers: 2 },
          { name: "low", workers: 2 },
        ],
        policy,
      });
      const f = new SelfWaker(5, 10);
      rt.spawn(f);
      rt.run();
      expect(f.at).toEqual([0, 10, 20, 30, 40]);
    }
  });

  it("a spawn made after 5 ms of a poll's cost happens at 5 ms", () => {
    const rt = new SimRuntime({ queues: [{ name: "main", workers: 2 }], policy: "fifo" });
    let childStart = -1;
    rt.spawn({
      poll: () => {
        burn(5);
        spawn({ poll: (cx: Context) => ((childStart = cx.timers!.now()), 0) });
        burn(5);
        return 0;
      },
    });
    rt.run();
    expect(childStart).toBe(5);
  });

  it("two workers run two blocking tasks in parallel virtual time", () => {
    const rt = new SimRuntime({ queues: [{ name: "main", workers: 2 }], policy: "fifo" });
    const v = rt.blockOn(
      co(function* () {
        const a = spawn({ poll: () => (block(1000), "a") });
        const b = spawn({ poll: () => (block(1000), "b") });
        return yield* join(a, b);
      }),
    );
    expect(v).toEqual(["a", "b"]);
    expect(rt.timers.now()).toBeCloseTo(1000.001, 6);
  });

  it("blockOn rethrows the future's own error, and reports a task that can never finish", () => {
    const rt = new SimRuntime();
    expect(() =>
      rt.blockOn({
        poll: () => {
          throw new Error("boom");
        },
      }),
    ).toThrow("boom");
    expect(() => new SimRuntime().blockOn({ poll: () => PENDING })).toThrow(/did not finish/);
  });

  it("run(untilMs) stops a forever-running task at the given virtual time", () => {
    const rt = new SimRuntime();
    const f = new SelfWaker(Infinity, 100);
    rt.spawn(f).detach();
    const report = rt.run(1000);
    expect(f.at.length).toBe(11); // polls at 0, 100, … 1000
    expect(report.live).toBe(1);
  });

  it("burn() outside a sim poll spends real time (sink cleared after run)", () => {
    const rt = new SimRuntime();
    rt.run();
    expect(() => burn(-1)).toThrow(RangeError);
    burn(0); // no sink installed: busyWork(0) returns at once
  });

  it("rejects unknown queue names with the valid ones listed", () => {
    const rt = new SimRuntime({
      queues: [
        { name: "high", workers: 1 },
        { name: "low", workers: 1 },
      ],
    });
    expect(() => rt.spawn({ poll: () => 1 }, { priority: "urgent" })).toThrow(
      'unknown queue "urgent" (this runtime has: high, low)',
    );
  });
});
