/**
 * A scheduling policy: *where* a ready task waits and *which* task a worker loop
 * takes next. Drivers (sim, live loops) own the loops and the clock; a policy owns
 * only queues, so the same policy object runs unchanged under every driver.
 *
 * Invariants every policy keeps:
 * 1. A pushed task is popped exactly once (cancelled tasks too — the driver skips
 *    them); a policy never drops or duplicates a task.
 * 2. `pop(w)` returns `undefined` only if worker `w` may take nothing right now.
 *    For policies that steal, that means every queue `w` may steal from is empty,
 *    so a driver may park `w` until the next push.
 * 3. `canServe(w, q)` is true iff a task of queue class `q`, pushed now, could be
 *    popped by `w` — the driver uses it to unpark the right worker.
 * 4. Every choice a policy makes that its rules leave open (a steal victim; under
 *    `AnyReadyPolicy`, which ready task) goes through `context.chooser` when given,
 *    else through the `rng` given at construction — same seed, same run.
 */
import type { SchedulerConfig } from "../config.js";
import type { Chooser, Rng } from "../rng.js";
import type { Task } from "../task.js";

export type AnyTask = Task<unknown>;

/** The names `lab compare --strategies` and `Runtime.withPolicy` accept. */
export const POLICY_NAMES = ["fifo", "priority", "priority-steal", "work-stealing", "aging"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/** A named queue and how many worker loops serve it (the book: `high` × 2, `low` × 1). */
export interface QueueSpec {
  name: string;
  workers: number;
}

/**
 * Queues in priority order (index 0 = highest) and, for each worker, the queue it
 * calls home. Policies without classes (fifo, work-stealing) ignore the homes.
 */
export class WorkerLayout {
  readonly homeQueue: Int32Array;
  readonly workers: number;

  constructor(readonly queues: readonly QueueSpec[]) {
    if (queues.length === 0) throw new RangeError("a runtime needs at least one queue");
    const names = new Set<string>();
    let total = 0;
    for (const q of queues) {
      if (!Number.isInteger(q.workers) || q.workers < 0)
        throw new RangeError(`queue "${q.name}": workers must be an integer >= 0, got ${q.workers}`);
      if (names.has(q.name)) throw new RangeError(`queue "${q.name}" is declared twice`);
      names.add(q.name);
      total += q.workers;
    }
    if (total === 0) throw new RangeError("a runtime needs at least one worker loop");
    this.workers = total;
    this.homeQueue = new Int32Array(total);
    let w = 0;
    queues.forEach((q, index) => {
      for (let i = 0; i < q.workers; i++) this.homeQueue[w++] = index;
    });
  }

  /** Queue index for a spawn's `priority` name; default the lowest-priority queue. */
  queueIndex(name: string | undefined): number {
    if (name === undefined) return this.queues.length - 1;
    const i = this.queues.findIndex((q) => q.name === name);
    if (i < 0)
      throw new RangeError(`unknown queue "${name}" (this runtime has: ${this.queues.map((q) => q.name).join(", ")})`);
    return i;
  }
}

/** Told whenever a worker takes work from a queue that is not its own. */
export type StealListener = (thief: number, victim: number, tasks: number) => void;

export interface SchedulingPolicy {
  /** A `PolicyName`, or `any-ready` for the exploration policy (any-ready.ts). */
  readonly name: PolicyName | "any-ready";
  /**
   * A task became ready. `origin` is the worker whose poll made it ready (a spawn or
   * a wake inside a task), or -1 from outside any worker (the main program, a timer,
   * an external event). `isYield` is true when the task woke *itself* during its own
   * poll (the book's `CounterFuture`), which a LIFO slot must not favour.
   */
  push(task: AnyTask, origin: number, isYield: boolean, now: number): void;
  /** The next task worker `w` should poll, or `undefined` (see invariant 2). */
  pop(worker: number, now: number): AnyTask | undefined;
  canServe(worker: number, queue: number): boolean;
  /** Tasks waiting in this policy's queues (including cancelled ones not yet popped). */
  readonly size: number;
  /** Steal operations so far (a steal-half counts once). */
  readonly steals: number;
  onSteal: StealListener | null;
}

export interface PolicyContext {
  layout: WorkerLayout;
  config: SchedulerConfig;
  rng: Rng;
  /** Where open choices go (the sim passes its one chooser); default: drawn from `rng`. */
  chooser?: Chooser;
}
