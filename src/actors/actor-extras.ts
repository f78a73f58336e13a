/**
 * The parts of an actor that most actors never use, in one object built on first use.
 *
 * An idle actor is mostly its fields: at 100 000 actors every pointer-sized field
 * costs 0.8 MB. A counter actor that only takes `tell` and `ask` needs its mailbox,
 * its state machine and the step in flight; it has no children, no timers, no
 * metrics, no `run` loop, no concurrency limit, no supervision policy of its own,
 * and nobody waiting for its end. Those live here, so such an actor pays one null
 * field for all of them (`ActorScope.extras`) instead of a dozen.
 *
 * Invariants:
 * 1. Built only by something that needs one of these fields (`ActorScope.more()`);
 *    reading never builds it: a null `extras` reads as "none of them".
 * 2. The message loop's hot path does not read through it for what every message
 *    checks: a failure reported from outside is also a bit in the cell's flags
 *    (actor-cell.ts), so `interrupted()` stays one flags test.
 * 3. Nothing here is released by dropping the object: the cell releases the
 *    resources and children explicitly when it ends (actor-cell.ts, invariant 3).
 */
import type { Future } from "../futures/poll.js";
import type { WaiterList } from "../futures/waiter-list.js";
import type { Phase } from "./actor.js";
import type { Children } from "./actor-children.js";
import type { ActorMetrics } from "./actor-metrics.js";
import type { ActorResources } from "./actor-resources.js";
import type { InFlight } from "./message-loop.js";
import type { RestartPolicy } from "./supervision.js";

export class ActorExtras<M> {
  /** Timers, sources and background tasks (actor-resources.ts). */
  resources: ActorResources<M> | null = null;
  /** Those waiting for the actor's end (actor-end.ts). */
  endWaiters: WaiterList | null = null;
  /** Metrics, if kept (actor-metrics.ts). */
  metrics: ActorMetrics | null = null;
  /** Children, and how many of a discarded instance's have not ended yet (a restart waits for them). */
  children: Children<any> | null = null;
  orphans = 0;
  /** How this actor supervises its children (null: the system's default). */
  policy: RestartPolicy | null = null;
  /** A failure reported from outside the poll, and the delay of a requested restart. */
  failure: { phase: Phase; error: unknown } | null = null;
  restartDelay = 0;
  /** The `run` step in flight, for actors that have `run`. */
  runStep: Future<unknown> | null = null;
  /** The handler limit and the handlers in flight, for `concurrency` > 1. */
  concurrency = 1;
  flights: InFlight<any>[] | null = null;
}
