/**
 * The sim driver's causality rule, checked on the trace: a task is never polled by two
 * workers at once, and per task the poll start times (the clock each poll sees first)
 * never decrease. Random programs mix every source of wakes — timers, `at` callbacks,
 * children finishing on other workers, self-wakes — with and without declared costs.
 */
import { describe, expect, it } from "vitest";
import {
  BaseFuture,
  PENDING,
  POLICY_NAMES,
  SimRuntime,
  burn,
  co,
  randomInt,
  seededRandom,
  sleep,
  yieldNow,
  type Co,
  type Context,
  type Poll,
  type Rng,
  type TraceEvent,
  type Waker,
} from "../src/index.js";

/** CPU-bound searches (and subprocesses): generous, so a busy shared machine cannot trip them. */
const SLOW = { timeout: 180_000 };

/** Parks until `fire()` is called (from an `at` callback); records nothing itself. */
class ExternalWake extends BaseFuture<void> {
  private waker: Waker | null = null;
  private fired = false;
  poll(cx: Context): Poll<void> {
    if (this.fired) return undefined;
    this.waker = cx.waker;
    return PENDING;
  }
  fire(): void {
    this.fired = true;
    this.waker?.wake();
  }
}

function* worker(rt: SimRuntime, rng: Rng, maxCost: number, steps: number, depth: number, seen: number[]): Co<void> {
  for (let i = 0; i < steps; i++) {
    seen.push(rt.timers.now());
    const cost = randomInt(rng, maxCost + 1);
    if (cost > 0) burn(cost);
    switch (randomInt(rng, 4)) {
      case 0:
        yield* sleep(randomInt(rng, 3));
        break;
      case 1: {
        const wake = new ExternalWake();
        rt.at(rt.timers.now() - randomInt(rng, 3), () => wake.fire());
        yield* wake;
        break;
      }
      case 2:
        if (depth < 2) yield* rt.spawn(co(() => worker(rt, rng, maxCost, 2, depth + 1, [])));
        else yield* yieldNow();
        break;
      default:
        yield* yieldNow();
    }
  }
}

/** Problems found in one trace: overlapping polls of a task, or a task's clock going back. */
export function causalityViolations(events: readonly TraceEvent[]): string[] {
  const problems: string[] = [];
  const openOn = new Map<number, number>(); // worker -> task polled there
  const running = new Map<number, number>(); // task -> start of its running poll
  const lastStart = new Map<number, number>();
  const lastEnd = new Map<number, number>();
  for (const e of events) {
    if (e.kind === "poll-start") {
      if (running.has(e.task))
        problems.push(
          `task ${e.task}: polled on worker ${e.worker} at ${e.t} while its poll from ${running.get(e.task)} runs`,
        );
      const end = lastEnd.get(e.task);
      if (end !== undefined && e.t < end)
        problems.push(`task ${e.task}: poll at ${e.t} starts before its previous poll ended at ${end}`);
      const start = lastStart.get(e.task);
      if (start !== undefined && e.t < start) problems.push(`task ${e.task}: clock went back from ${start} to ${e.t}`);
      running.set(e.task, e.t);
      openOn.set(e.worker, e.task);
      lastStart.set(e.task, e.t);
    } else if (e.kind === "poll-end") {
      running.delete(openOn.get(e.worker)!);
      openOn.delete(e.worker);
      lastEnd.set(e.task, e.t);
    }
  }
  return problems;
}

function runProgram(
  seed: number,
  policy: (typeof POLICY_NAMES)[number],
  defaultCostOnly: boolean,
): { problems: string[]; seen: number[][] } {
  const rt = new SimRuntime({
    queues: [
      { name: "high", workers: 2 },
      { name: "low", workers: 2 },
    ],
    policy,
    seed,
    trace: true,
  });
  const rng = seededRandom(seed * 7919 + 1);
  const seen: number[][] = [];
  for (let t = 0; t < 4; t++) {
    const mine: number[] = [];
    seen.push(mine);
    rt.spawn(
      co(() => worker(rt, rng, defaultCostOnly ? 0 : 3, 5, 0, mine)),
      { priority: t % 2 === 0 ? "high" : "low" },
    );
  }
  rt.run();
  return { problems: causalityViolations(rt.trace!.events), seen };
}

describe("sim causality (trace check, seeds 0..199 × every policy)", SLOW, () => {
  it(
    "reproduction: an `at` wake during a costly poll must not start a " +
      "second poll of the same task ([0, 2, 1] was seen)",
    () => {
      const rt = new SimRuntime({ queues: [{ name: "main", workers: 2 }], policy: "fifo", trace: true });
      const wake = new ExternalWake();
      const seen: number[] = [];
      rt.spawn(
        co(function* () {
          seen.push(rt.timers.now());
          rt.at(1, () => wake.fire());
          burn(2);
          seen.push(rt.timers.now());
          yield* wake;
          seen.push(rt.timers.now());
        }),
      );
      rt.run();
      expect(seen).toEqual([0, 2, 2]);
      expect(causalityViolations(rt.trace!.events)).toEqual([]);
    },
  );

  it("reproduction: a child finishing on another worker wakes its parent only after the parent's poll ends", () => {
    const rt = new SimRuntime({ queues: [{ name: "main", workers: 2 }], policy: "work-stealing", trace: true });
    const seen: number[] = [];
    rt.spawn(
      co(function* () {
        const child = rt.spawn({ poll: () => 7 });
        burn(5);
        seen.push(rt.timers.now());
        const v = yield* child;
        seen.push(rt.timers.now());
        return v;
      }),
    );
    rt.run();
    expect(seen).toEqual([5, 5]);
    expect(causalityViolations(rt.trace!.events)).toEqual([]);
  });

  it("no task has two overlapping polls and no task's poll start times decrease", () => {
    const failures: string[] = [];
    for (const policy of POLICY_NAMES) {
      for (let seed = 0; seed < 200; seed++) {
        for (const defaultCostOnly of [false, true]) {
          const { problems, seen } = runProgram(seed, policy, defaultCostOnly);
          for (const s of seen)
            for (let i = 1; i < s.length; i++)
              if (s[i]! < s[i - 1]!) problems.push(`clock seen went back: ${s.join(", ")}`);
          if (problems.length > 0)
            failures.push(`${policy} seed ${seed}${defaultCostOnly ? " (default cost)" : ""}: ${problems[0]}`);
        }
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
