/**
 * What a multi-queue runtime measured over a run — the numbers `lab compare` and
 * `lab ch3` print. Both drivers (sim, live loops) fill the same shape.
 */
import type { LatencySummary } from "./latency.js";

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

/** The counters a multi-queue driver keeps as it runs; `buildReport` derives the rest. */
export interface SchedulerCounters {
  policy: { name: string; steals: number };
  layout: { workers: number; queues: readonly { name: string }[] };
  latency: { summary(queue: number): LatencySummary };
  firstSpawn: number;
  lastEnd: number;
  spawned: number;
  ended: number;
  polls: number;
  busyMs: number;
  maxDepth: number;
}

/** One derivation for every driver, so sim and live reports cannot drift apart. */
export function buildReport(c: SchedulerCounters): SchedulerReport {
  const workers = c.layout.workers;
  const start = c.firstSpawn === Infinity ? 0 : c.firstSpawn;
  const makespan = Math.max(0, c.lastEnd - start);
  return {
    policy: c.policy.name,
    workers,
    makespanMs: makespan,
    spawned: c.spawned,
    ended: c.ended,
    live: c.spawned - c.ended,
    polls: c.polls,
    busyMs: c.busyMs,
    utilisation: makespan > 0 ? (100 * c.busyMs) / (workers * makespan) : 0,
    steals: c.policy.steals,
    maxQueueDepth: c.maxDepth,
    latency: c.layout.queues.map((q, i) => ({ queue: q.name, summary: c.latency.summary(i) })),
  };
}
