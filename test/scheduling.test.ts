/**
 * Acceptance tests for the scheduling policies, run on the sim driver: exhaustive
 * over seeds on tiny configurations, checked against the recorded trace.
 */
import { describe, expect, it } from "vitest";
import {
  BaseFuture,
  PENDING,
  POLICY_NAMES,
  PolledAfterCompletion,
  SimRuntime,
  burn,
  randomInt,
  seededRandom,
  sleep,
  type Context,
  type Future,
  type JoinHandle,
  type PolicyName,
  type Poll,
  type TraceEvent,
} from "../src/index.js";

/** A future that counts its polls and cancels, and takes `steps` polls (yield or sleep between). */
class Counting extends BaseFuture<number> {
  polls = 0;
  cancels = 0;
  /** Set to cancel the task from inside its own first poll. */
  selfCancel: JoinHandle<number> | null = null;
  private sleeping: Future<void> | null = null;
  constructor(
    private readonly steps: number,
    private readonly costMs: number,
    private readonly sleepMs: number,
  ) {
    super();
  }
  poll(cx: Context): Poll<number> {
    if (this.polls >= this.steps) throw new PolledAfterCompletion("Counting");
    if (this.sleeping !== null) {
      if (this.sleeping.poll(cx) === PENDING) return PENDING;
      this.sleeping = null;
    }
    this.polls++;
    burn(this.costMs);
    if (this.selfCancel !== null) this.selfCancel.cancel();
    if (this.polls === this.steps) return this.polls;
    if (this.sleepMs > 0) {
      this.sleeping = sleep(this.sleepMs);
      this.sleeping.poll(cx);
    } else cx.waker.wake();
    return PENDING;
  }
  override cancel(): void {
    this.cancels++;
  }
}

type CancelMode = "none" | "before" | "during" | "after";

function tinyRun(policy: PolicyName, seed: number, mode: CancelMode) {
  const rt = new SimRuntime({
    queues: [
      { name: "high", workers: 1 },
      { name: "low", workers: 1 },
    ],
    policy,
    seed,
    trace: true,
    config: { localQueueCapacity: 2, lifoPollCap: 1, globalQueueInterval: 2, agingLimitMs: 1 },
  });
  const rng = seededRandom(seed);
  const futures: Counting[] = [];
  const handles: JoinHandle<number>[] = [];
  for (let i = 0; i < 3; i++) {
    const f = new Counting(1 + randomInt(rng, 3), 0.5 + randomInt(rng, 3), rng() < 0.5 ? 0 : 1 + randomInt(rng, 3));
    futures.push(f);
    handles.push(rt.spawn(f, { priority: rng() < 0.5 ? "high" : "low" }));
  }
  const victim = randomInt(rng, 3);
  if (mode === "before") handles[victim]!.cancel();
  if (mode === "during") futures[victim]!.selfCancel = handles[victim]!;
  const report = rt.run();
  const cancelledAfter = mode === "after" ? handles[victim]!.cancel() : null;
  return { rt, report, futures, handles, victim, cancelledAfter };
}

function endsPerTask(events: TraceEvent[]): Map<number, number> {
  const ends = new Map<number, number>();
  for (const e of events) if (e.kind === "end") ends.set(e.task, (ends.get(e.task) ?? 0) + 1);
  return ends;
}

/** Ready tasks per queue class, replayed from the trace: pushes (spawn, wake) minus pops (poll-start, skip). */
function replayReady(events: TraceEvent[], classes: number, onEvent: (e: TraceEvent, ready: number[]) => void): void {
  const ready = new Array<number>(classes).fill(0);
  for (const e of events) {
    if (e.kind === "poll-start" || e.kind === "skip" || e.kind === "idle") onEvent(e, ready);
    if (e.kind === "spawn" || e.kind === "wake") ready[e.queue]!++;
    else if (e.kind === "poll-start" || e.kind === "skip") ready[e.queue]!--;
  }
}

describe("every spawned task ends exactly once, under every policy", () => {
  for (const policy of POLICY_NAMES) {
    for (const mode of ["none", "before", "during", "after"] as const) {
      it(`${policy}, cancel ${mode}, seeds 0..199`, () => {
        for (let seed = 0; seed < 200; seed++) {
          const { rt, report, futures, handles, victim, cancelledAfter } = tinyRun(policy, seed, mode);
          expect(report.spawned).toBe(3);
          expect(report.ended).toBe(3);
          expect(report.live).toBe(0);
          const ends = endsPerTask(rt.trace!.events);
          expect([...ends.values()]).toEqual([1, 1, 1]);
          futures.forEach((f, i) => {
            const h = handles[i]!;
            expect(h.finished).toBe(true);
            if (i === victim && mode === "before") {
              expect(f.polls).toBe(0);
              expect(f.cancels).toBe(1);
            } else if (i === victim && mode === "during") {
              expect(f.polls).toBe(1);
              // Cancelled mid-poll: unless that poll completed the task, its future is cancelled once, after the poll.
              expect(f.cancels).toBe(f.polls === (f as unknown as { steps: number }).steps ? 0 : 1);
            } else {
              expect(f.cancels).toBe(0);
              expect(h.poll({ waker: { wake() {} } })).toBe(f.polls);
            }
          });
          if (mode === "after") expect(cancelledAfter).toBe(false);
        }
      });
    }
  }
});

/** A busy mixed load on 2 high + 1 low loops, traced. */
function mixedRun(policy: PolicyName, seed: number, agingLimitMs = 5) {
  const rt = new SimRuntime({
    queues: [
      { name: "high", workers: 2 },
      { name: "low", workers: 1 },
    ],
    policy,
    seed,
    trace: true,
    config: { agingLimitMs, localQueueCapacity: 4 },
  });
  const rng = seededRandom(seed);
  for (let i = 0; i < 40; i++) {
    const at = rng() * 20;
    const f = new Counting(1 + randomInt(rng, 3), 0.2 + rng() * 2, rng() < 0.3 ? 1 + randomInt(rng, 4) : 0);
    const priority = rng() < 0.4 ? "high" : "low";
    rt.at(at, () => void rt.spawn(f, { priority }));
  }
  const report = rt.run();
  return { rt, report };
}

describe("strict priority", () => {
  it("priority: a high loop never polls a low task", () => {
    for (let seed = 0; seed < 50; seed++) {
      const { rt, report } = mixedRun("priority", seed);
      expect(report.ended).toBe(40);
      const homes = rt.layout.homeQueue;
      let highPolls = 0;
      for (const e of rt.trace!.events) {
        if (e.kind !== "poll-start") continue;
        expect(e.queue).toBe(homes[e.worker]);
        if (e.queue === 0) highPolls++;
      }
      expect(highPolls).toBeGreaterThan(0);
    }
  });

  it("priority-steal: a high loop starts a low task only when no high task is ready", () => {
    let lowOnHigh = 0;
    for (let seed = 0; seed < 50; seed++) {
      const { rt } = mixedRun("priority-steal", seed);
      replayReady(rt.trace!.events, 2, (e, ready) => {
        if (e.kind === "poll-start" && rt.layout.homeQueue[e.worker] === 0 && e.queue === 1) {
          lowOnHigh++;
          expect(ready[0]).toBe(0);
        }
      });
    }
    expect(lowOnHigh).toBeGreaterThan(0); // the high loops did steal
  });
});

describe("with stealing, no loop idles while work is queued (checked on the trace)", () => {
  for (const policy of ["fifo", "priority-steal", "work-stealing", "aging"] as const) {
    it(policy, () => {
      let idles = 0;
      for (let seed = 0; seed < 50; seed++) {
        const { rt } = mixedRun(policy, seed);
        replayReady(rt.trace!.events, 2, (e, ready) => {
          if (e.kind !== "idle") return;
          idles++;
          expect(ready).toEqual([0, 0]);
        });
      }
      expect(idles).toBeGreaterThan(0);
    });
  }

  it("priority without stealing does idle with low work queued (the contrast)", () => {
    let idleWithWork = 0;
    for (let seed = 0; seed < 20; seed++) {
      const { rt } = mixedRun("priority", seed);
      replayReady(rt.trace!.events, 2, (e, ready) => {
        if (e.kind === "idle" && ready[1]! > 0) idleWithWork++;
      });
    }
    expect(idleWithWork).toBeGreaterThan(0);
  });
});

describe("aging", () => {
  /** 2 workers saturated by a stream of 1 ms high tasks every 0.4 ms for 2 s; 5 low tasks at t=0. */
  function stream(agingLimitMs: number): number[] {
    const rt = new SimRuntime({
      queues: [
        { name: "high", workers: 2 },
        { name: "low", workers: 0 },
      ],
      policy: "aging",
      config: { agingLimitMs },
    });
    for (let t = 0; t < 2000; t += 0.4) rt.at(t, () => void rt.spawn(new Counting(1, 1, 0), { priority: "high" }));
    for (let i = 0; i < 5; i++) rt.spawn(new Counting(1, 1, 0), { priority: "low" });
    const report = rt.run();
    const low = report.latency.find((l) => l.queue === "low")!.summary;
    expect(low.count).toBe(5);
    return [low.max];
  }

  it("bounds a low task's wait under a continuous high stream", () => {
    const [maxWait] = stream(10);
    // limit + 2 × (5 overdue tasks ahead × 1 ms) + its own poll, with slack for the poll in progress.
    expect(maxWait).toBeLessThanOrEqual(10 + 2 * 5 + 2);
  });

  it("without a limit the same low tasks starve until the stream ends", () => {
    const [maxWait] = stream(Infinity);
    expect(maxWait).toBeGreaterThan(1999);
  });
});

describe("determinism", () => {
  it("the same seed gives byte-identical trace JSON; another seed differs", () => {
    const a = JSON.stringify(mixedRun("work-stealing", 7).rt.trace!.toChromeTrace());
    const b = JSON.stringify(mixedRun("work-stealing", 7).rt.trace!.toChromeTrace());
    const c = JSON.stringify(mixedRun("work-stealing", 8).rt.trace!.toChromeTrace());
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });
});
