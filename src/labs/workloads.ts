/**
 * The workloads `lab compare` runs: each spawns its tasks onto a host (any runtime
 * with `spawn` and an `at` for arrivals from outside) and declares poll costs with
 * `burn`, so the same workload runs in virtual time (sim) or real time (live).
 *
 * Every random choice comes from the seeded RNG passed in: same seed, same tasks.
 * Jobs are small future classes, not generators: a million of them are spawned in the
 * 1M-task run, and a class instance is far cheaper than a generator object.
 */
import {
  BaseFuture,
  PENDING,
  sleep,
  spawn,
  type Context,
  type Future,
  type Poll,
  type JoinHandle,
  type SpawnOptions,
} from "../index.js";
import { burn, type Rng } from "../index.js";

/** What a workload needs from a runtime. */
export interface WorkloadHost {
  spawn<T>(work: Future<T>, options?: SpawnOptions): JoinHandle<T>;
  /** Run `fn` at time `t` ms from the start, outside any worker. */
  at(t: number, fn: () => void): void;
}

export interface WorkloadParams {
  tasks: number;
  workers: number;
  rng: Rng;
}

export interface Workload {
  name: string;
  summary: string;
  start(host: WorkloadHost, params: WorkloadParams): void;
}

/** `steps` polls of `costMs` each; between polls it yields (sleepMs 0) or sleeps. */
class Job extends BaseFuture<void> {
  private sleeping: Future<void> | null = null;
  constructor(
    private steps: number,
    private readonly costMs: number,
    private readonly sleepMs: number,
  ) {
    super();
  }

  poll(cx: Context): Poll<void> {
    if (this.sleeping !== null) {
      if (this.sleeping.poll(cx) === PENDING) return PENDING;
      this.sleeping = null;
    }
    burn(this.costMs);
    if (--this.steps <= 0) return undefined;
    if (this.sleepMs > 0) {
      this.sleeping = sleep(this.sleepMs);
      if (this.sleeping.poll(cx) === PENDING) return PENDING;
      this.sleeping = null;
    }
    cx.waker.wake(); // yield: back of the queue, like `yieldNow`
    return PENDING;
  }
}

/** A spawn-storm node: computes, then spawns up to `fanout` children while budget lasts. */
class StormNode extends BaseFuture<void> {
  constructor(
    private readonly budget: { left: number },
    private readonly costMs: number,
    private readonly fanout: number,
  ) {
    super();
  }
  poll(): Poll<void> {
    burn(this.costMs);
    for (let i = 0; i < this.fanout && this.budget.left > 0; i++) {
      this.budget.left--;
      spawn(new StormNode(this.budget, this.costMs, this.fanout)).detach();
    }
    return undefined;
  }
}

/** ms in [base × (1 − spread), base × (1 + spread)). */
function jitter(rng: Rng, base: number, spread = 0.5): number {
  return base * (1 - spread + 2 * spread * rng());
}

export const workloads: Workload[] = [
  {
    name: "uniform",
    summary: "all tasks at t=0, each 2 polls of ~50 µs with a yield between",
    start(host, { tasks, rng }) {
      for (let i = 0; i < tasks; i++) host.spawn(new Job(2, jitter(rng, 0.05, 0.2), 0)).detach();
    },
  },
  {
    name: "skewed",
    summary: "all tasks at t=0, 1–4 polls with heavy-tailed (Pareto α=1.5) costs, min 20 µs, cap 50 ms",
    start(host, { tasks, rng }) {
      for (let i = 0; i < tasks; i++) {
        const cost = Math.min(50, 0.02 / Math.pow(1 - rng(), 1 / 1.5));
        host.spawn(new Job(1 + Math.floor(rng() * 4), cost, 0)).detach();
      }
    },
  },
  {
    name: "mixed-priority",
    summary:
      "90% bulk low tasks (1 poll, ~1 ms) at t=0; 10% high tasks (~50 µs) arriving at random over the expected run",
    start(host, { tasks, workers, rng }) {
      const high = Math.max(1, Math.round(tasks / 10));
      const low = tasks - high;
      for (let i = 0; i < low; i++) host.spawn(new Job(1, jitter(rng, 1), 0), { priority: "low" }).detach();
      // Arrivals spread over the time ideal scheduling needs for the bulk work.
      const window = (low * 1) / workers;
      const arrivals: number[] = [];
      for (let i = 0; i < high; i++) arrivals.push(rng() * window);
      arrivals.sort((a, b) => a - b);
      for (const t of arrivals) {
        const cost = jitter(rng, 0.05);
        host.at(t, () => host.spawn(new Job(1, cost, 0), { priority: "high" }).detach());
      }
    },
  },
  {
    name: "spawn-storm",
    summary: "one root task; every task burns ~20 µs and spawns 4 children until the task count is reached",
    start(host, { tasks }) {
      const budget = { left: tasks - 1 };
      host.spawn(new StormNode(budget, 0.02, 4)).detach();
    },
  },
  {
    name: "io-bound",
    summary: "all tasks at t=0, 4 polls of ~20 µs separated by 1–20 ms sleeps (mostly waiting)",
    start(host, { tasks, rng }) {
      for (let i = 0; i < tasks; i++) host.spawn(new Job(4, jitter(rng, 0.02), 1 + Math.floor(rng() * 20))).detach();
    },
  },
];

export const WORKLOAD_NAMES = workloads.map((w) => w.name);

export function findWorkload(name: string): Workload | undefined {
  return workloads.find((w) => w.name === name);
}
