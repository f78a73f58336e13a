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
