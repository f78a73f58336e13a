/**
 * What a multi-queue runtime measured over a run — the numbers `lab compare` and
 * `lab ch3` print. Both drivers (sim, live loops) fill the same shape.
 */
import { LatencyRecorder, type LatencySummary } from "./latency.js";

export interface SchedulerReport {
  policy: string;
  workers: number;
  /** First spawn → last task end, ms of the driver's clock. */
  makespanMs: number;
  spawned: number;
  /** Tasks that ended (completed, failed or cancelled). */
  ended: number;
  /** Tasks still alive when the run stopped (waiting on something that never came). */
  live: number;
  polls: number;
  /** Sum of poll durations over all workers, ms. */
  busyMs: number;
  /** busyMs / (workers × makespan), in %. */
  utilisation: number;
  steals: number;
  /** Most tasks waiting in queues at once. */
  maxQueueDepth: number;
  /** Spawn → end latency per queue class, in queue order. */
  latency: { queue: string; summary: LatencySummary }[];
}

/**
 * The counters a multi-queue driver keeps as it runs, and the one derivation of a
 * report from them — shared by the sim and live-loop drivers so their reports cannot
 * drift apart (they once each kept their own copy of these fields and of this code).
 * Times are on the driver's clock (virtual for sim, `performance.now()` for live).
 */
export class RunCounters {
  spawned = 0;
  ended = 0;
  polls = 0;
  busyMs = 0;
  maxDepth = 0;
  private firstSpawn = Infinity;
  private lastEnd = 0;
  private readonly latency: LatencyRecorder;

  constructor(queueClasses: number) {
    this.latency = new LatencyRecorder(queueClasses);
  }

  taskSpawned(t: number): void {
    if (t < this.firstSpawn) this.firstSpawn = t;
    this.spawned++;
  }

  /** A task of queue class `queue`, spawned at `spawnedAt`, ended at `t`. */
  taskEnded(queue: number, t: number, spawnedAt: number): void {
    this.ended++;
    if (t > this.lastEnd) this.lastEnd = t;
    this.latency.add(queue, t - spawnedAt);
  }

  polled(ms: number): void {
    this.polls++;
    this.busyMs += ms;
  }

  queueDepth(depth: number): void {
    if (depth > this.maxDepth) this.maxDepth = depth;
  }

  report(
    policy: { name: string; steals: number },
    layout: { workers: number; queues: readonly { name: string }[] },
  ): SchedulerReport {
    const workers = layout.workers;
    const start = this.firstSpawn === Infinity ? 0 : this.firstSpawn;
    const makespan = Math.max(0, this.lastEnd - start);
    return {
      policy: policy.name,
      workers,
      makespanMs: makespan,
      spawned: this.spawned,
      ended: this.ended,
      live: this.spawned - this.ended,
      polls: this.polls,
      busyMs: this.busyMs,
      utilisation: makespan > 0 ? (100 * this.busyMs) / (workers * makespan) : 0,
      steals: policy.steals,
      maxQueueDepth: this.maxDepth,
      latency: layout.queues.map((q, i) => ({ queue: q.name, summary: this.latency.summary(i) })),
    };
  }
}
