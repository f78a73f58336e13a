/** The work-stealing policy's mechanics, on shrunk capacities. */
import { describe, expect, it } from "vitest";
import {
  SimRuntime,
  Task,
  WorkerLayout,
  createPolicy,
  seededRandom,
  spawn,
  burn,
  type Context,
  type TaskScheduler,
} from "../src/index.js";

const scheduler: TaskScheduler = {
  timers: { now: () => 0, register() {}, cancel() {} },
  schedule() {},
  taskEnded() {},
  detachedTaskFailed() {},
};
const task = (id: number) => new Task<unknown>(id, { poll: () => 0 }, scheduler);

function policy(
  workers: number,
  config: Partial<{ localQueueCapacity: number; lifoPollCap: number; globalQueueInterval: number }> = {},
) {
  return createPolicy("work-stealing", {
    layout: new WorkerLayout([{ name: "main", workers }]),
    config: {
      localQueueCapacity: 4,
      lifoPollCap: 3,
      globalQueueInterval: 61,
      agingLimitMs: 100,
      simDefaultPollCostMs: 0.001,
      ...config,
    },
    rng: seededRandom(1),
  });
}

describe("work-stealing policy", () => {
  it("a task woken by a worker goes to its LIFO slot and runs next; the slot's previous task moves to the ring", () => {
    const p = policy(1);
    const [a, b, c] = [task(1), task(2), task(3)];
    p.push(a, 0, false, 0);
    p.push(b, 0, false, 0); // a → ring, b in slot
    p.push(c, 0, false, 0); // b → ring, c in slot
    expect([p.pop(0, 0)?.id, p.pop(0, 0)?.id, p.pop(0, 0)?.id, p.pop(0, 0)]).toEqual([3, 1, 2, undefined]);
  });

  it("the LIFO slot serves at most lifoPollCap polls in a row", () => {
    const p = policy(1, { lifoPollCap: 2 });
    const ring = task(100);
    p.push(ring, 0, true, 0); // a yield goes to the ring
    const order: number[] = [];
    for (let i = 1; i <= 3; i++) {
      p.push(task(i), 0, false, 0);
      order.push(p.pop(0, 0)!.id);
    }
    // Third consecutive LIFO task is demoted behind the ring's task.
    order.push(p.pop(0, 0)!.id);
    expect(order).toEqual([1, 2, 100, 3]);
  });

  it("a full ring spills its older half plus the new task to the global queue", () => {
    const p = policy(2, { localQueueCapacity: 4 });
    for (let i = 1; i <= 5; i++) p.push(task(i), 0, true, 0); // ring holds 4; the 5th spills 1,2 and 5
    expect(p.size).toBe(5);
    // Worker 1 has an empty ring: it takes a global batch (1 of 3 → size/2+1 = 2 but capped by capacity/2 = 2).
    const first = p.pop(1, 0)!.id;
    expect(first).toBe(1);
    expect(p.pop(0, 0)!.id).toBe(3);
  });

  it("an idle worker steals half of a victim's ring", () => {
    const p = policy(2, { localQueueCapacity: 16 });
    for (let i = 1; i <= 6; i++) p.push(task(i), 0, true, 0);
    const steals: [number, number, number][] = [];
    p.onSteal = (thief, victim, n) => steals.push([thief, victim, n]);
    expect(p.pop(1, 0)!.id).toBe(1);
    expect(steals).toEqual([[1, 0, 3]]);
    expect(p.pop(1, 0)!.id).toBe(2); // the stolen batch is now worker 1's
    expect(p.pop(0, 0)!.id).toBe(4);
    expect(p.steals).toBe(1);
  });

  it("checks the global queue every globalQueueInterval ticks even with local work", () => {
    const p = policy(1, { globalQueueInterval: 3 });
    p.push(task(99), -1, false, 0); // injected from outside
    for (let i = 1; i <= 4; i++) p.push(task(i), 0, true, 0);
    const order = [1, 2, 3, 4, 5].map(() => p.pop(0, 0)!.id);
    expect(order).toEqual([1, 2, 99, 3, 4]);
  });

  it("a spawn storm on 4 workers spreads by stealing and runs every task once", () => {
    const rt = new SimRuntime({
      queues: [{ name: "main", workers: 4 }],
      policy: "work-stealing",
      seed: 3,
      trace: true,
      config: { localQueueCapacity: 4 },
    });
    let ran = 0;
    const node = (depth: number): { poll(cx: Context): number } => ({
      poll() {
        ran++;
        burn(1);
        if (depth < 5) for (let i = 0; i < 3; i++) spawn(node(depth + 1));
        return depth;
      },
    });
    rt.spawn(node(0));
    const report = rt.run();
    const total = 1 + 3 + 9 + 27 + 81 + 243;
    expect(ran).toBe(total);
    expect(report.ended).toBe(total);
    expect(report.steals).toBeGreaterThan(0);
    const workersUsed = new Set(rt.trace!.events.filter((e) => e.kind === "poll-start").map((e) => e.worker));
    expect(workersUsed.size).toBe(4);
  });
});
