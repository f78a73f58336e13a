/**
 * The runtime builder, in the book's shape (E3.8):
 *
 *   new Runtime().withHighNum(4).withLowNum(2).withPolicy("priority-steal").sim()
 *
 * Defaults are the book's: `high` gets `availableParallelism() − 2` loops (at least
 * one), `low` gets 1, and loops steal (`priority-steal`, E3.5). `withQueues` is the
 * general form for any set of named queues, in priority order.
 *
 * The book's `run()` spawns an empty task on each queue so its lazily-started loops
 * all exist before real work arrives (L2363-2367: a high loop that never saw a task
 * never steals). Our loops exist from construction, so the pitfall cannot happen;
 * ch3's builder experiment shows the difference.
 */
import { availableParallelism } from "node:os";
import type { SchedulerConfig } from "./config.js";
import { isPolicyName, POLICY_NAMES, type PolicyName, type QueueSpec } from "./policy/policy.js";
import { LiveLoopsRuntime } from "./live-loops.js";
import { SimRuntime, type MultiQueueOptions } from "./sim/sim-runtime.js";

export class Runtime {
  private high = Math.max(1, availableParallelism() - 2);
  private low = 1;
  private queues: QueueSpec[] | null = null;
  private policy: PolicyName = "priority-steal";
  private seed = 1;
  private config: Partial<SchedulerConfig> = {};
  private tracing = false;

  /** Worker loops serving the `high` queue. */
  withHighNum(n: number): this {
    this.high = checkCount("high", n);
    this.queues = null;
    return this;
  }

  /** Worker loops serving the `low` queue. */
  withLowNum(n: number): this {
    this.low = checkCount("low", n);
    this.queues = null;
    return this;
  }

  /** The general form: any named queues, highest priority first. */
  withQueues(queues: QueueSpec[]): this {
    this.queues = queues.map((q) => ({ ...q }));
    return this;
  }

  withPolicy(name: string): this {
    if (!isPolicyName(name)) throw new RangeError(`unknown policy "${name}" (valid: ${POLICY_NAMES.join(", ")})`);
    this.policy = name;
    return this;
  }

  withSeed(seed: number): this {
    this.seed = seed;
    return this;
  }

  /** Override tuning numbers (ring size, LIFO cap, global interval, aging limit …). */
  withConfig(config: Partial<SchedulerConfig>): this {
    this.config = { ...this.config, ...config };
    return this;
  }

  withTrace(on = true): this {
    this.tracing = on;
    return this;
  }

  /** The queue layout this builder describes. */
  get layout(): QueueSpec[] {
    return (
      this.queues ?? [
        { name: "high", workers: this.high },
        { name: "low", workers: this.low },
      ]
    );
  }

  /** Options for any multi-queue driver. */
  options(): MultiQueueOptions {
    return {
      queues: this.layout,
      policy: this.policy,
      seed: this.seed,
      config: { ...this.config },
      trace: this.tracing,
    };
  }

  /** Build the runtime on the deterministic sim driver (virtual time). */
  sim(): SimRuntime {
    return new SimRuntime(this.options());
  }

  /** Build the runtime on the live driver (real time, logical loops on this thread). */
  live(): LiveLoopsRuntime {
    return new LiveLoopsRuntime(this.options());
  }
}

function checkCount(queue: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${queue} worker count must be an integer >= 0, got ${n}`);
  return n;
}
