/**
 * `fifo`: one global queue, every worker takes from its head — the book's first
 * runtime (E3.1, E3.3). Priorities are recorded on the task but ignored here, which is
 * exactly why a latency-sensitive task waits behind every bulk task queued before it.
 */
import { RingQueue } from "../run-queue.js";
import type { AnyTask, PolicyName, SchedulingPolicy, StealListener } from "./policy.js";

export class FifoPolicy implements SchedulingPolicy {
  readonly name: PolicyName = "fifo";
  readonly steals = 0;
  onSteal: StealListener | null = null;
  private readonly queue = new RingQueue<AnyTask>();

  get size(): number {
    return this.queue.size;
  }

  push(task: AnyTask): void {
    this.queue.push(task);
  }

  pop(): AnyTask | undefined {
    return this.queue.pop();
  }

  canServe(): boolean {
    return true;
  }
}
