/**
 * Policy factory: a name (`--strategies`, `Runtime.withPolicy`) → a fresh policy
 * object for one runtime. A policy holds queues, so it is never shared by two runtimes.
 */
import { AgingPolicy } from "./aging.js";
import { FifoPolicy } from "./fifo.js";
import type { PolicyContext, PolicyName, SchedulingPolicy } from "./policy.js";
import { PriorityPolicy } from "./priority.js";
import { WorkStealingPolicy } from "./work-stealing.js";

export function createPolicy(name: PolicyName, context: PolicyContext): SchedulingPolicy {
  switch (name) {
    case "fifo":
      return new FifoPolicy();
    case "priority":
      return new PriorityPolicy(context, false);
    case "priority-steal":
      return new PriorityPolicy(context, true);
    case "work-stealing":
      return new WorkStealingPolicy(context);
    case "aging":
      return new AgingPolicy(context);
    default: {
      const never: never = name;
      throw new RangeError(`unknown policy ${String(never)}`);
    }
  }
}
