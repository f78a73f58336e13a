/**
 * How a multi-queue runtime is configured (the sim and the live loops share the
 * shape), and the hooks a driver of the sim — the schedule explorer — plugs in.
 */
import type { SchedulerConfig } from "../config.js";
import type { PolicyName, QueueSpec, WorkerLayout } from "../policy/policy.js";
import type { Chooser } from "../rng.js";
import type { DetachedErrorHandler } from "../driver-kit.js";
import type { JoinHandle } from "../task.js";

export interface MultiQueueOptions {
  /** Queues in priority order with their worker loops (default: one queue `main`, 1 worker). */
  queues?: QueueSpec[];
  policy?: PolicyName;
  seed?: number;
  /** Overrides of the tuning numbers (tests shrink them). */
  config?: Partial<SchedulerConfig>;
  /** Record a trace (see trace.ts). */
  trace?: boolean;
  /** Called when a detached task fails (default: one line on stderr). */
  onDetachedError?: DetachedErrorHandler;
  /** Where every open choice goes (sim only; default: drawn from `seed`). */
  chooser?: Chooser;
  /** Sim only: any ready task may go to any worker, and the chooser picks (policy/any-ready.ts); overrides `policy`. */
  anyReady?: boolean;
  /** Sim only: told after every poll and when a task ends (the explorer's checks). */
  observer?: SimObserver;
}

/** Hooks for a driver of the sim (the schedule explorer). A throw from them ends `run`. */
export interface SimObserver {
  afterPoll?(task: JoinHandle<unknown>): void;
  taskEnded?(task: JoinHandle<unknown>): void;
}

export function workerNames(layout: WorkerLayout): string[] {
  const names: string[] = [];
  for (let w = 0; w < layout.workers; w++) names.push(`${layout.queues[layout.homeQueue[w]!]!.name}-${w}`);
  return names;
}
