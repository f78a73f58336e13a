/**
 * One chooser for every open choice of the sim: the seed changes the schedule under
 * every policy (where a choice exists), and a run is fully described by its decisions.
 */
import { describe, expect, it } from "vitest";
import {
  POLICY_NAMES,
  SimRuntime,
  burn,
  co,
  sleep,
  yieldNow,
  type ChoiceKind,
  type Chooser,
  type MultiQueueOptions,
} from "../src/index.js";

/** Three tasks on two queues × two workers: timers at the same instant, parked workers, ties. */
function program(rt: SimRuntime): void {
  for (let i = 0; i < 6; i++) {
    rt.spawn(
      co(function* () {
        burn(1);
        yield* sleep(2);
        burn(i % 3);
        yield* yieldNow();
        burn(1);
      }),
      { name: `t${i}`, priority: i % 2 === 0 ? "high" : "low" },
    );
  }
}

function schedule(options: MultiQueueOptions): string {
  const rt = new SimRuntime({
    queues: [
      { name: "high", workers: 2 },
      { name: "low", workers: 2 },
    ],
    trace: true,
    ...options,
  });
  program(rt);
  rt.run();
  return rt
    .trace!.events.filter((e) => e.kind === "poll-start")
    .map((e) => `${e.t}:${e.worker}:${e.task}`)
    .join(" ");
}

/** Records every decision it makes (random from its own seed) — or replays a list. */
function recording(seed: number, replay?: number[]): Chooser & { log: [ChoiceKind, number, number][] } {
  let a = seed;
  const log: [ChoiceKind, number, number][] = [];
  return {
    log,
    choose(kind, n) {
      a = (a * 1103515245 + 12345) >>> 0;
      const k = replay !== undefined ? replay[log.length]! : a % n;
      log.push([kind, n, k]);
      return k;
    },
  };
}

describe("the sim's one chooser", () => {
  it.each(POLICY_NAMES)("%s: the seed changes the schedule, and the same seed gives the same schedule", (policy) => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed++) seen.add(schedule({ policy, seed }));
    expect(seen.size).toBeGreaterThan(1);
    expect(schedule({ policy, seed: 7 })).toBe(schedule({ policy, seed: 7 }));
  });

  it("every kind of choice is asked of the chooser: timers, workers, unpark, victim", () => {
    const kinds = new Set<ChoiceKind>();
    for (const policy of POLICY_NAMES) {
      const chooser = recording(3);
      schedule({ policy, chooser });
      for (const [kind, n, k] of chooser.log) {
        kinds.add(kind);
        expect(n).toBeGreaterThanOrEqual(2);
        expect(k).toBeLessThan(n);
      }
    }
    expect([...kinds].sort()).toEqual(["timer", "unpark", "victim", "worker"]);
  });

  it("anyReady: which ready task runs is a choice too", () => {
    const chooser = recording(5);
    schedule({ anyReady: true, chooser });
    expect(chooser.log.some(([kind]) => kind === "task")).toBe(true);
  });

  it("a run is fully described by its decision list: replaying the decisions replays the run", () => {
    for (const policy of POLICY_NAMES) {
      for (let seed = 0; seed < 10; seed++) {
        const first = recording(seed);
        const a = schedule({ policy, chooser: first });
        const decisions = first.log.map(([, , k]) => k);
        const again = recording(seed + 1000, decisions);
        expect(schedule({ policy, chooser: again })).toBe(a);
        expect(again.log).toEqual(first.log);
      }
    }
  });
});
