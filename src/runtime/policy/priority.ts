/**
 * `priority` and `priority-steal`: one FIFO queue per class, each served by its own
 * worker loops (the book's E3.4: `high` × 2 loops, `low` × 1).
 *
 * - `priority` (stealing off): a loop takes only from its home queue. A high loop
 *   therefore never runs a low task, and low work gets only the low loops — a third
 *   of the capacity in the book's layout when only low work arrives (L2277-2282).
 * - `priority-steal` (E3.5): a loop whose home queue is empty takes from the other
 *   queues, highest priority first. A high loop still always looks at `high` first,
 *   so a high task never waits while a high loop runs low work it picked later.
 *   The book's loops sleep 100 ms when everything is empty; ours park and are
 *   unparked by the next push, so idle time is not an artefact of a back-off.
 */
import { RingQueue } from "../run-queue.js";
import type { AnyTask, PolicyContext, PolicyName, SchedulingPolicy, StealListener, WorkerLayout } from "./policy.js";

export class PriorityPolicy implements SchedulingPolicy {
  readonly name: PolicyName;
  steals = 0;
  onSteal: StealListener | null = null;
  private readonly queues: RingQueue<AnyTask>[];
  private readonly layout: WorkerLayout;
  private queued = 0;

  constructor(
    context: PolicyContext,
    private readonly steal: boolean,
  ) {
    this.name = steal ? "priority-steal" : "priority";
    this.layout = context.layout;
    this.queues = context.layout.queues.map(() => new RingQueue<AnyTask>());
  }

  get size(): number {
    return this.queued;
  }

  push(task: AnyTask): void {
    this.queues[task.queue]!.push(task);
    this.queued++;
  }

  pop(worker: number): AnyTask | undefined {
    const home = this.layout.homeQueue[worker]!;
    const own = this.queues[home]!.pop();
    if (own !== undefined || !this.steal) {
      if (own !== undefined) this.queued--;
      return own;
    }
    // Home is empty: steal from the others in priority order (index 0 first).
    for (let q = 0; q < this.queues.length; q++) {
      if (q === home) continue;
      const task = this.queues[q]!.pop();
      if (task !== undefined) {
        this.queued--;
        this.steals++;
        this.onSteal?.(worker, q, 1);
        return task;
      }
    }
    return undefined;
  }

  canServe(worker: number, queue: number): boolean {
    return this.steal || this.layout.homeQueue[worker] === queue;
  }
}
